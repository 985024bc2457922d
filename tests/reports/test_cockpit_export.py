"""The cockpit's table as .xlsx (驾驶舱逾期督办事项): the rows the page lists, most overdue first,
for the zone on screen; the cockpit's refusals; text never a formula; audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.dispatch.conftest import past_meeting
from tests.exports import sheet_of
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch import services
from zonedesk.dispatch.models import SupervisionItem
from zonedesk.reports.selectors import COCKPIT_OVERDUE_SHOWN

pytestmark = pytest.mark.django_db

HEADER = ["编号", "议定事项", "相关项目", "承办部门", "办结时限", "逾期天数"]
FORMULA = '=HYPERLINK("x")'


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.fixture
def overdue(world):
    """A meeting 40 days ago with one more overdue 督办 than the cockpit lists, one on a project
    and one whose content looks like a formula, plus one done (not overdue) and one not yet due."""
    meeting = past_meeting(world.zone, days_ago=40, chair=world.deputy)
    today = timezone.localdate()
    items = []
    for i in range(COCKPIT_OVERDUE_SHOWN + 1):
        item = services.decision_add(
            meeting=meeting, by=world.leader, content=FORMULA if i == 0 else f"督办{i}",
            department=world.econ_dept, deadline=today + dt.timedelta(days=5),
        )  # fmt: skip
        items.append(item)
        SupervisionItem.objects.filter(pk=item.pk).update(
            deadline=today - dt.timedelta(days=30 - i)
        )
    SupervisionItem.objects.filter(pk=items[1].pk).update(project=world.project)
    done = services.decision_add(
        meeting=meeting, by=world.leader, content="已办结", department=world.econ_dept,
        deadline=today + dt.timedelta(days=5),
    )  # fmt: skip
    SupervisionItem.objects.filter(pk=done.pk).update(
        deadline=today - dt.timedelta(days=35),
        status=SupervisionItem.Status.DONE,
        confirmed_at=timezone.now(),
    )
    services.decision_add(
        meeting=meeting, by=world.leader, content="未到期", department=world.econ_dept,
        deadline=today + dt.timedelta(days=5),
    )  # fmt: skip
    return [SupervisionItem.objects.get(pk=i.pk) for i in items]


def test_the_cockpit_exports_its_overdue_table_as_listed(world, overdue):
    client = login(world.econ)
    page = client.get(reverse("reports:cockpit"))
    assert 'data-testid="export-xlsx"' in page.content.decode()
    shown = page.context["data"]["supervision"]["items"]
    response = client.get(reverse("reports:cockpit"), {"format": "xlsx"})
    sheet = sheet_of(response)
    assert sheet["A1"].value == "阳泉高新区驾驶舱逾期督办事项"
    assert sheet["A2"].value.startswith("筛选条件：开发区：阳泉高新区；导出时间：")
    assert [c.value for c in sheet[3]] == HEADER
    assert sheet.freeze_panes == "A4"
    rows = [[_day(v) for v in row] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(rows) == len(shown) == COCKPIT_OVERDUE_SHOWN
    today = timezone.localdate()
    assert rows == [
        [i.number, i.content, i.project.name if i.project_id else None, "经济发展部",
         i.deadline, (today - i.deadline).days]
        for i in overdue[:COCKPIT_OVERDUE_SHOWN]
    ]  # fmt: skip
    assert [r[0] for r in rows] == [s["number"] for s in shown]
    assert rows[1][2] == world.project.name and rows[0][5] == 30
    assert (sheet["B4"].value, sheet["B4"].data_type) == (FORMULA, "s")
    assert sheet["E4"].number_format == "yyyy-mm-dd"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == world.econ
    assert f"阳泉高新区驾驶舱逾期督办事项（{COCKPIT_OVERDUE_SHOWN}行）" in event.note


def test_the_zone_on_screen_narrows_the_file(world, overdue):
    world.viewer.viewer_zones.add(world.other_zone)
    client = login(world.viewer)
    page = client.get(reverse("reports:cockpit"), {"zone": world.other_zone.pk}).content.decode()
    assert f'href="?format=xlsx&amp;zone={world.other_zone.pk}"' in page
    sheet = sheet_of(
        client.get(reverse("reports:cockpit"), {"format": "xlsx", "zone": world.other_zone.pk})
    )
    assert "开发区：屯留" in sheet["A2"].value
    assert sheet.max_row == 3  # no overdue 督办 in that zone


@pytest.mark.parametrize("persona", ["unit", "auditor", "admin"])
def test_who_may_not_read_the_cockpit_may_not_export_it(world, overdue, persona):
    response = login(getattr(world, persona)).get(reverse("reports:cockpit"), {"format": "xlsx"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_another_zones_cockpit_is_refused(world, overdue):
    response = login(world.other_staff).get(
        reverse("reports:cockpit"), {"format": "xlsx", "zone": world.zone.pk}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
