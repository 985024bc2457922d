"""The 系统管理员 manages users of their own zone only, and never reads the audit log there."""

from __future__ import annotations

from tests.conftest import login
from zonedesk.demo import admin_group


def admin_client(w):
    w.admin.is_staff = True
    w.admin.save()
    w.admin.groups.add(admin_group())
    return login(w.admin)


def test_the_admin_sees_only_their_zones_users(world):
    response = admin_client(world).get("/admin/accounts/user/")
    assert response.status_code == 200
    names = {u.username for u in response.context["cl"].result_list}
    assert "econ" in names and "tunliu" not in names and "city" not in names


def test_the_admin_cannot_open_a_user_of_another_zone(world):
    response = admin_client(world).get(f"/admin/accounts/user/{world.other_staff.pk}/change/")
    assert (
        response.status_code == 302
    )  # the admin redirects a missing (out-of-scope) object to the index


def test_the_admin_does_not_see_the_audit_log(world):
    client = admin_client(world)
    assert client.get("/admin/accounts/auditevent/").status_code == 403


def test_department_choices_stay_inside_the_zone(world):
    response = admin_client(world).get(f"/admin/accounts/user/{world.econ.pk}/change/")
    choices = {str(d) for d in response.context["adminform"].form.fields["department"].queryset}
    assert choices == {"经济发展部", "投资合作促进部"}
    assert world.other_dept not in response.context["adminform"].form.fields["department"].queryset
