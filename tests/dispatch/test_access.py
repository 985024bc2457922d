"""Scope: every dispatch page refuses users of another zone, department or unit, and viewers write
nothing. Refusals are written to the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.dispatch.conftest import file_report, open_period
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch.models import ProgressReport, ReportPhoto


@pytest.fixture
def setup(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    period = open_period(world.zone)
    report = file_report(world.project, period, world.unit)
    photo = ReportPhoto.objects.create(
        report=report,
        file="x.jpg",
        content_type="image/jpeg",
        size=1,
        width=1,
        height=1,
        uploaded_by=world.unit,
    )
    return world, period, report, photo


def urls(period, report, photo, w):
    return {
        "report": ("get", reverse("dispatch:report", args=[report.pk]), {}),
        "approve": (
            "post",
            reverse("dispatch:approve", args=[report.pk]),
            {"version": report.version},
        ),
        "return": (
            "post",
            reverse("dispatch:return", args=[report.pk]),
            {"version": report.version, "reason": "x"},
        ),
        "photo": ("get", reverse("dispatch:photo", args=[photo.pk]), {}),
        "remind": ("post", reverse("dispatch:remind", args=[period.pk, w.luda.pk]), {}),
        "board_period": ("get", reverse("dispatch:board"), {"period": period.pk}),
        "fill_period": ("get", reverse("dispatch:fill"), {"period": period.pk}),
    }


@pytest.mark.parametrize(
    "view", ["report", "approve", "return", "photo", "remind", "board_period", "fill_period"]
)
@pytest.mark.parametrize("persona", ["other_staff", "auditor", "admin"])
def test_outsiders_are_refused_every_dispatch_view(setup, view, persona):
    w, period, report, photo = setup
    method, url, data = urls(period, report, photo, w)[view]
    user = getattr(w, persona)
    response = getattr(login(user), method)(url, data)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=user).exists()


@pytest.mark.parametrize("view", ["report", "approve", "return", "photo"])
def test_another_unit_cannot_see_or_touch_the_report(setup, view):
    w, period, report, photo = setup
    method, url, data = urls(period, report, photo, w)[view]
    assert getattr(login(w.other_unit), method)(url, data).status_code == 403


@pytest.mark.parametrize(
    ("view", "persona"),
    [(v, p) for v in ("approve", "return") for p in ("viewer", "unit", "invest")]
    + [("remind", "viewer"), ("remind", "unit")],  # any department's staff may remind a unit
)
def test_only_the_responsible_people_approve_return_or_remind(setup, view, persona):
    w, period, report, photo = setup
    method, url, data = urls(period, report, photo, w)[view]
    assert getattr(login(getattr(w, persona)), method)(url, data).status_code == 403
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["leader", "deputy", "econ"])
def test_the_department_its_deputy_and_the_leader_may_approve(setup, persona):
    w, period, report, photo = setup
    response = login(getattr(w, persona)).post(
        reverse("dispatch:approve", args=[report.pk]), {"version": report.version}
    )
    assert response.status_code == 302


def test_a_deputy_approves_only_supervised_departments(world):
    period = open_period(world.zone)
    report = file_report(world.invest_project, period, world.other_unit)
    response = login(world.deputy).post(
        reverse("dispatch:approve", args=[report.pk]), {"version": report.version}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["leader", "econ", "viewer", "auditor", "admin", "other_staff"])
def test_only_units_fill_reports(world, persona):
    open_period(world.zone)
    assert login(getattr(world, persona)).get(reverse("dispatch:fill")).status_code == 403


def test_a_unit_cannot_post_rows_for_projects_it_does_not_report(world):
    open_period(world.zone)
    p = f"p{world.invest_project.pk}"  # 路达市政's project
    response = login(world.unit).post(
        reverse("dispatch:fill"), {f"{p}-invested_year": "1", f"{p}-version": 0, "action": "submit"}
    )
    assert response.status_code == 302  # nothing to save: unknown fields are ignored
    assert not ProgressReport.objects.filter(project=world.invest_project).exists()


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_board_and_warnings_refuse_non_business_roles(world, persona):
    for name in ("dispatch:board", "dispatch:warnings"):
        assert login(getattr(world, persona)).get(reverse(name)).status_code == 403


def test_readers_see_the_board_and_warnings_of_their_zones_only(world):
    open_period(world.zone)
    open_period(world.other_zone)
    viewer = login(world.viewer)
    assert viewer.get(reverse("dispatch:board")).context["zone"] == world.zone
    assert (
        viewer.get(reverse("dispatch:board"), {"zone": world.other_zone.pk}).context["zone"]
        == world.zone
    )
    names = {w.project.name for w in viewer.get(reverse("dispatch:warnings")).context["warnings"]}
    assert names == {"智算中心项目", "储能电池项目"}
    other = {
        w.project.name
        for w in login(world.other_staff).get(reverse("dispatch:warnings")).context["warnings"]
    }
    assert other == {"飞轮储能项目"}


@pytest.mark.parametrize("persona", ["deputy", "econ", "viewer", "unit", "other_staff", "auditor"])
def test_only_a_leader_changes_the_dispatch_settings(world, persona):
    assert login(getattr(world, persona)).get(reverse("dispatch:settings")).status_code == 403
