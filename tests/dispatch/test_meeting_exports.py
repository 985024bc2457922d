"""Excel export of the meetings list (调度会): one row per meeting as the page lists them, the
zone on screen, counts that do not multiply each other, formula-looking text kept as text,
refusals and the audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.dispatch.conftest import past_meeting
from tests.exports import sheet_of
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.dispatch import services
from zonedesk.dispatch.models import AgendaItem, Meeting

pytestmark = pytest.mark.django_db

HEADERS = [
    "会议日期", "原定日期", "会议", "会议编号", "主持人", "议程事项（项）", "督办事项（项）", "状态",
]  # fmt: skip


def _rows(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.fixture
def held(world):
    """A 小调度 held five days ago with a number, three agenda items (one dropped) and two 督办
    — enough rows in both joins to show a multiplied count."""
    meeting = past_meeting(world.zone, days_ago=5, chair=world.deputy)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD,
        year=meeting.date.year,
        number=7,
        slot=meeting.date - dt.timedelta(days=1),
    )
    for i, dropped in enumerate([False, False, True]):
        AgendaItem.objects.create(
            meeting=meeting, order=i, kind="manual", title=f"事项{i}", dropped=dropped
        )
    for content in ("完成土地组卷", "协调供电"):
        services.decision_add(
            meeting=meeting,
            by=world.leader,
            content=content,
            department=world.econ_dept,
            deadline=timezone.localdate() + dt.timedelta(days=5),
        )
    meeting.refresh_from_db()
    return meeting


def test_the_meetings_export_lists_every_meeting_of_the_zone(world, held):
    response = login(world.econ).get(reverse("dispatch:meetings"), {"format": "xlsx"})
    sheet = sheet_of(response)
    assert sheet["A1"].value == "阳泉高新区调度会"
    assert sheet["A2"].value.startswith("筛选条件：开发区：阳泉高新技术产业开发区；导出时间：")
    assert [c.value for c in sheet[3]] == HEADERS
    assert sheet.freeze_panes == "A4"
    rows = _rows(sheet)
    # the planned meetings the page generates are in the file too, newest first
    expected = list(Meeting.objects.filter(zone=world.zone).order_by("-date", "kind"))
    assert len(expected) > 1 and len(rows) == len(expected)
    assert sheet.auto_filter.ref == f"A3:H{3 + len(rows)}"
    assert [(_day(r[0]), r[2]) for r in rows] == [
        (m.date, f"{m.get_kind_display()}会") for m in expected
    ]
    row = next(r for r in rows if _day(r[0]) == held.date)
    assert row == [
        row[0], row[1], "小调度会", f"调度〔{held.date.year}〕7号", "李副主任", 2, 2, "已召开",
    ]  # fmt: skip
    assert _day(row[1]) == held.slot  # moved from its slot: the original date is shown
    assert sheet.cell(row=4 + rows.index(row), column=1).number_format == "yyyy-mm-dd"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == world.econ and f"阳泉高新区调度会（{len(rows)}行）" in event.note


def test_the_page_shows_the_same_counts(world, held):
    page = login(world.econ).get(reverse("dispatch:meetings"))
    shown = next(m for m in page.context["past"] if m.pk == held.pk)
    assert (shown.agenda_count, shown.decision_count) == (2, 2)
    assert 'data-testid="export-xlsx"' in page.content.decode()


def test_the_zone_on_screen_narrows_the_file(world, held):
    world.viewer.viewer_zones.add(world.other_zone)
    other = past_meeting(world.other_zone, days_ago=2, kind="large")
    client = login(world.viewer)
    page = client.get(reverse("dispatch:meetings"), {"zone": world.other_zone.pk})
    assert f'href="?format=xlsx&amp;zone={world.other_zone.pk}"' in page.content.decode()
    sheet = sheet_of(
        client.get(reverse("dispatch:meetings"), {"format": "xlsx", "zone": world.other_zone.pk})
    )
    assert "开发区：屯留经济技术开发区" in sheet["A2"].value
    rows = _rows(sheet)
    assert len(rows) == Meeting.objects.filter(zone=world.other_zone).count()
    assert (other.date, "大调度会") in [(_day(r[0]), r[2]) for r in rows]
    assert held.number_label not in [r[3] for r in rows]


def test_a_formula_looking_chair_name_stays_text(world):
    chair = User.objects.create_user(
        username="odd",
        password="x",
        role=Role.DEPUTY,
        zone=world.zone,
        display_name='=HYPERLINK("http://x")',
    )
    past_meeting(world.zone, days_ago=1, chair=chair)
    sheet = sheet_of(login(world.leader).get(reverse("dispatch:meetings"), {"format": "xlsx"}))
    cells = [
        row[4] for row in sheet.iter_rows(min_row=4) if row[4].value == '=HYPERLINK("http://x")'
    ]
    assert len(cells) == 1 and cells[0].data_type == "s"


@pytest.mark.parametrize("persona", ["unit", "auditor", "admin"])
def test_who_may_not_read_the_meetings_may_not_export_them(world, persona):
    response = login(getattr(world, persona)).get(reverse("dispatch:meetings"), {"format": "xlsx"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_another_zones_meetings_are_not_exported(world, held):
    # a zone outside the user's scope falls back to their own, as the page does
    sheet = sheet_of(
        login(world.other_staff).get(
            reverse("dispatch:meetings"), {"format": "xlsx", "zone": world.zone.pk}
        )
    )
    assert "开发区：屯留经济技术开发区" in sheet["A2"].value
    rows = _rows(sheet)
    assert len(rows) == Meeting.objects.filter(zone=world.other_zone).count()
    assert held.number_label not in [r[3] for r in rows]


# --- one meeting's agenda with its 督办 ------------------------------------------------------------

AGENDA_HEADERS = [
    "序号", "议程事项", "理由", "类别", "讨论情况", "督办编号", "督办内容", "承办部门", "办结时限",
    "状态",
]  # fmt: skip


@pytest.fixture
def agenda(world):
    """A held meeting: a red project with two decisions, a manual item with none, a dropped
    item and a decision taken on no item."""
    meeting = past_meeting(world.zone, days_ago=2, chair=world.deputy)
    red = AgendaItem.objects.create(
        meeting=meeting, order=1, kind="project", colour="red", title="智算中心项目",
        reason="连续两期未报", discussion="=需协调供电",
    )  # fmt: skip
    manual = AgendaItem.objects.create(
        meeting=meeting, order=2, kind="manual", title="临时事项", reason="主持人增加。",
        manual=True,
    )  # fmt: skip
    AgendaItem.objects.create(meeting=meeting, order=3, kind="manual", title="撤下的", dropped=True)
    due = timezone.localdate() + dt.timedelta(days=5)
    made = [
        services.decision_add(
            meeting=meeting,
            by=world.leader,
            content=content,
            department=world.econ_dept,
            deadline=due,
            agenda_item=item,
        )  # fmt: skip
        for content, item in (("完成土地组卷", red), ("协调供电", red), ("汇总上报", None))
    ]
    meeting.refresh_from_db()
    return meeting, red, manual, made


def test_the_meeting_exports_its_agenda_with_the_decisions(world, agenda):
    meeting, red, manual, made = agenda
    url = reverse("dispatch:meeting", args=[meeting.pk])
    client = login(world.econ)
    assert 'data-testid="export-xlsx"' in client.get(url).content.decode()
    sheet = sheet_of(client.get(url, {"format": "xlsx"}))
    assert sheet["A1"].value == f"{meeting.title}议程及督办"
    assert sheet["A2"].value.startswith(
        f"筛选条件：开发区：阳泉高新技术产业开发区；会议：{meeting.title}；"
    )
    assert [c.value for c in sheet[3]] == AGENDA_HEADERS
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:J7"
    rows = [[_day(v) for v in row] for row in _rows(sheet)]
    first, second, loose = made
    assert rows == [
        [1, "智算中心项目", "连续两期未报", "预警项目（红）", "=需协调供电", first.number,
         "完成土地组卷", "经济发展部", first.deadline, "办理中"],
        [1, "智算中心项目", "连续两期未报", "预警项目（红）", "=需协调供电", second.number,
         "协调供电", "经济发展部", second.deadline, "办理中"],
        [2, "临时事项", "主持人增加。", "临时动议", None, None, None, None, None, None],
        [None, "其他议定事项", None, None, None, loose.number, "汇总上报", "经济发展部",
         loose.deadline, "办理中"],
    ]  # fmt: skip
    assert sheet["E4"].data_type == "s"  # the formula-looking discussion stays text
    assert sheet["I4"].number_format == "yyyy-mm-dd"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == world.econ and f"{meeting.title}议程及督办（4行）" in event.note


def test_the_page_and_the_export_read_the_same_agenda(world, agenda):
    meeting, red, manual, _ = agenda
    page = login(world.leader).get(reverse("dispatch:meeting", args=[meeting.pk]))
    assert [i.pk for i in page.context["items"]] == [red.pk, manual.pk]
    assert [d.content for d in page.context["loose_decisions"]] == ["汇总上报"]


@pytest.mark.parametrize("persona", ["unit", "auditor", "admin", "other_staff"])
def test_who_may_not_read_the_meeting_may_not_export_its_agenda(world, agenda, persona):
    meeting = agenda[0]
    response = login(getattr(world, persona)).get(
        reverse("dispatch:meeting", args=[meeting.pk]), {"format": "xlsx"}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
