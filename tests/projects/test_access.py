"""Scope: every page of the register refuses users of another zone, department or unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from zonedesk.accounts.models import AuditEvent


def urls(w):
    p, m = w.project, w.milestone
    return {
        "detail": ("get", reverse("projects:detail", args=[p.pk]), {}),
        "edit": ("get", reverse("projects:edit", args=[p.pk]), {}),
        "stage": (
            "post",
            reverse("projects:stage", args=[p.pk]),
            {"stage": "completed", "date": "2026-10-01", "version": p.version},
        ),
        "archive": ("post", reverse("projects:archive", args=[p.pk]), {"reason": "测试"}),
        "restore": ("post", reverse("projects:restore", args=[p.pk]), {}),
        "plan": ("post", reverse("projects:plan", args=[p.pk]), {}),
        "milestone_add": (
            "post",
            reverse("projects:milestone_add", args=[p.pk]),
            {"new-name": "x", "new-planned_date": "2026-05-01"},
        ),
        "milestone_edit": ("get", reverse("projects:milestone_edit", args=[m.pk]), {}),
        "milestone_row": ("get", reverse("projects:milestone_row", args=[m.pk]), {}),
    }


READ_VIEWS = {"detail", "milestone_row"}


@pytest.mark.parametrize(
    "view",
    [
        "detail",
        "edit",
        "stage",
        "archive",
        "restore",
        "plan",
        "milestone_add",
        "milestone_edit",
        "milestone_row",
    ],
)
@pytest.mark.parametrize("persona", ["other_staff", "other_unit", "auditor", "admin"])
def test_outsiders_are_refused_every_project_view(world, view, persona):
    method, url, data = urls(world)[view]
    response = getattr(login(getattr(world, persona)), method)(url, data)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, actor=getattr(world, persona)
    ).exists()


@pytest.mark.parametrize(
    "view", ["edit", "stage", "archive", "restore", "plan", "milestone_add", "milestone_edit"]
)
@pytest.mark.parametrize("persona", ["invest", "viewer"])
def test_readers_from_another_department_or_above_cannot_write(world, view, persona):
    method, url, data = urls(world)[view]
    response = getattr(login(getattr(world, persona)), method)(url, data)
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["invest", "viewer", "leader", "deputy", "econ", "unit"])
def test_zone_users_and_the_unit_read_the_project(world, persona):
    response = login(getattr(world, persona)).get(
        reverse("projects:detail", args=[world.project.pk])
    )
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["leader", "deputy", "econ", "unit"])
def test_responsible_people_can_open_the_edit_form(world, persona):
    response = login(getattr(world, persona)).get(reverse("projects:edit", args=[world.project.pk]))
    assert response.status_code == 200


def test_a_deputy_edits_only_projects_of_supervised_departments_or_led_by_them(world):
    client = login(world.deputy)
    assert client.get(reverse("projects:edit", args=[world.invest_project.pk])).status_code == 403
    world.invest_project.lead_official = world.deputy
    world.invest_project.save()
    assert client.get(reverse("projects:edit", args=[world.invest_project.pk])).status_code == 200


def test_the_list_shows_a_unit_only_its_own_projects(world):
    response = login(world.unit).get(reverse("projects:list"))
    names = [p.name for p in response.context["page"]]
    assert names == ["智算中心项目"]


def test_the_list_never_shows_another_zone(world):
    response = login(world.econ).get(reverse("projects:list"))
    names = {p.name for p in response.context["page"]}
    assert names == {"智算中心项目", "储能电池项目"}


@pytest.mark.parametrize("persona", ["unit", "viewer", "auditor", "admin"])
def test_only_leaders_and_department_staff_register_projects(world, persona):
    response = login(getattr(world, persona)).get(reverse("projects:create"))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_auditor_and_admin_do_not_see_business_lists(world, persona):
    assert login(getattr(world, persona)).get(reverse("projects:list")).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(world, client):
    response = client.get(reverse("projects:detail", args=[world.project.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
