"""Excel exports of the status board and the warnings list: headers, the filters on screen,
money in 万元, formula injection, scope and permissions."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login, make_project
from tests.dispatch.conftest import add_report, open_period
from tests.exports import sheet_of
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch.models import ProjectWarning
from zonedesk.dispatch.services import periods_ensure

pytestmark = pytest.mark.django_db


def _rows(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]


@pytest.fixture
def period(world):
    period = open_period(world.zone)
    # the pages make sure the period of today exists; ours already does
    assert periods_ensure(zone=world.zone) == period
    return period


def test_the_board_export_lists_every_expected_project_with_its_figures(world, period):
    add_report(
        world.project,
        period,
        world.unit,
        status="submitted",
        this="1200.5",
        year="5600",
        total="32000",
        image_progress="=1+2",
        problems="@SUM(A1)",
    )
    response = login(world.leader).get(
        reverse("dispatch:board_export"), {"zone": world.zone.pk, "period": period.pk}
    )
    sheet = sheet_of(response)
    assert sheet["A1"].value == "进度填报情况"
    assert sheet["A2"].value.startswith(
        f"筛选条件：开发区：阳泉高新技术产业开发区；期次：{period.label}；导出时间："
    )
    assert [c.value for c in sheet[3]] == [
        "责任部门", "填报单位", "项目代码", "项目名称", "项目阶段", "填报情况", "状态",
        "本期完成投资（万元）", "本年累计完成投资（万元）", "自开工累计完成投资（万元）",
        "工程完成比例（%）", "形象进度", "存在问题", "报送时间", "退回原因", "催报次数",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:P6"
    rows = _rows(sheet)
    assert [r[:7] for r in rows[:2]] == [
        ["经济发展部", "开创集团", "YQ-001", "智算中心项目", "在建", "已报", "已报送"],
        ["投资合作促进部", "路达市政", "YQ-002", "储能电池项目", "在建", "未报", "未填报"],
    ]
    assert rows[0][7:10] == [1200.5, 5600, 32000]
    assert sheet["H4"].number_format == "#,##0.00"
    assert rows[2][0] == "合计：应报2个，已报1个，未报1个，退回0个"
    assert rows[2][7:10] == [1200.5, 5600, 32000]
    # text that looks like a formula stays text
    assert sheet["L4"].value == "=1+2" and sheet["L4"].data_type == "s"
    assert sheet["M4"].value == "@SUM(A1)" and sheet["M4"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == world.leader and "进度填报情况（2行）" in event.note


def test_a_unit_exports_only_its_own_projects(world, period):
    sheet = sheet_of(login(world.unit).get(reverse("dispatch:board_export")))
    codes = [r[2] for r in _rows(sheet)]
    assert codes == ["YQ-001", None]


def test_the_board_export_of_another_zones_period_is_refused(world, period):
    response = login(world.other_staff).get(reverse("dispatch:board_export"), {"period": period.pk})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, actor=world.other_staff
    ).exists()


@pytest.mark.parametrize("url", ["dispatch:board_export", "dispatch:warnings_export"])
@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_auditor_and_admin_cannot_export_dispatch_data(world, period, url, persona):
    assert login(getattr(world, persona)).get(reverse(url)).status_code == 403


@pytest.mark.parametrize("url", ["dispatch:board_export", "dispatch:warnings_export"])
def test_anonymous_users_are_sent_to_sign_in(client, world, url):
    response = client.get(reverse(url))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.fixture
def warnings(world, period):
    now = timezone.now()
    make_project(
        world.zone,
        '=HYPERLINK("http://x")',
        department=world.econ_dept,
        unit=world.luda,
        code="+YQ-003",
    )
    red = ProjectWarning.objects.create(
        project=world.project,
        colour="red",
        reasons=[
            {"rule": "missed", "colour": "red", "text": "连续2期未报送进度"},
            {"rule": "lag", "colour": "amber", "text": "本年完成投资落后序时进度12.0个百分点"},
        ],
        computed_at=now,
    )
    amber = ProjectWarning.objects.create(
        project=world.invest_project,
        colour="amber",
        reasons=[{"rule": "lag", "colour": "amber", "text": "节点“开工”逾期"}],
        computed_at=now,
    )
    return red, amber


def test_the_warnings_export_honours_the_colour_filter(world, warnings):
    response = login(world.leader).get(
        reverse("dispatch:warnings_export"), {"zone": world.zone.pk, "colour": "red"}
    )
    sheet = sheet_of(response)
    assert sheet["A1"].value == "项目预警"
    assert sheet["A2"].value.startswith(
        "筛选条件：开发区：阳泉高新技术产业开发区；预警等级：红色；"
    )
    assert [c.value for c in sheet[3]] == [
        "预警等级", "项目代码", "项目名称", "项目阶段", "责任部门", "实施单位",
        "总投资（万元）", "年度计划投资（万元）", "预警原因", "评估时间",
    ]  # fmt: skip
    rows = _rows(sheet)
    # The amber project is filtered out; the new project was rated on the way (no warning yet).
    assert [r[1] for r in rows] == ["+YQ-003", "YQ-001"] and {r[0] for r in rows} == {"红色"}
    assert rows[1][:9] == [
        "红色", "YQ-001", "智算中心项目", "在建", "经济发展部", "开创集团", 50000, 12000,
        "连续2期未报送进度；本年完成投资落后序时进度12.0个百分点",
    ]  # fmt: skip
    assert sheet["G5"].number_format == "#,##0.00" and sheet["H5"].number_format == "#,##0.00"
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:J5"


def test_the_warnings_export_honours_the_department_filter_and_keeps_text_as_text(world, warnings):
    response = login(world.leader).get(
        reverse("dispatch:warnings_export"), {"department": world.econ_dept.pk}
    )
    sheet = sheet_of(response)
    assert "责任部门：经济发展部" in sheet["A2"].value
    codes = [r[1] for r in _rows(sheet)]
    assert "YQ-002" not in codes and "YQ-001" in codes and "+YQ-003" in codes
    cell = next(row[1] for row in sheet.iter_rows(min_row=4) if row[1].value == "+YQ-003")
    assert cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_warnings_export_of_a_department_clerk_is_their_scope(world, warnings):
    sheet = sheet_of(login(world.other_staff).get(reverse("dispatch:warnings_export")))
    codes = [r[1] for r in _rows(sheet)]
    assert "YQ-001" not in codes and "YQ-002" not in codes


def test_the_pages_link_to_their_exports(world, period, warnings):
    client = login(world.leader)
    board = client.get(reverse("dispatch:board")).content.decode()
    assert f"{reverse('dispatch:board_export')}?zone={world.zone.pk}&period={period.pk}" in board
    page = client.get(reverse("dispatch:warnings"), {"colour": "red"}).content.decode()
    assert f"{reverse('dispatch:warnings_export')}?zone={world.zone.pk}&colour=red" in page


def test_the_blocker_list_exports_with_its_filters(world):
    import datetime as dt

    from tests.dispatch.conftest import raise_blocker

    late = raise_blocker(world.project, world.econ, days_ago=20, deadline_in=5)
    raise_blocker(
        world.invest_project, world.invest, category="power", description="=SUM(A1) 电力增容"
    )
    client = login(world.leader)
    url = reverse("dispatch:blockers")
    sheet = sheet_of(client.get(url, {"zone": world.zone.pk, "status": "active", "format": "xlsx"}))
    assert sheet["A3"].value == "项目代码" and sheet["L3"].value == "逾期天数"
    rows = {r[1]: r for r in _rows(sheet)}
    assert set(rows) == {"智算中心项目", "储能电池项目"}
    assert rows["智算中心项目"][11] == (timezone.localdate() - late.deadline).days == 15
    assert rows["储能电池项目"][3] == "=SUM(A1) 电力增容"  # text, not a formula
    assert rows["储能电池项目"][11] is None
    only_late = sheet_of(
        client.get(
            url, {"zone": world.zone.pk, "status": "active", "overdue": "on", "format": "xlsx"}
        )
    )
    assert [r[1] for r in _rows(only_late)] == ["智算中心项目"]
    assert "只看逾期" in only_late["A2"].value
    assert isinstance(sheet["J4"].value, dt.datetime)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 2
    # Another zone's clerk asking for our zone gets their own zone's list: none of ours.
    theirs = sheet_of(login(world.other_staff).get(url, {"zone": world.zone.pk, "format": "xlsx"}))
    assert _rows(theirs) == []


def test_the_supervision_list_exports(world):
    from tests.dispatch.conftest import past_meeting
    from zonedesk.dispatch import services

    meeting = past_meeting(world.zone, days_ago=3)
    item = services.decision_add(
        meeting=meeting,
        by=world.leader,
        content="协调解决智算中心项目用电",
        department=world.econ_dept,
        deadline=timezone.localdate() - timezone.timedelta(days=2),
    )
    sheet = sheet_of(
        login(world.econ).get(
            reverse("dispatch:supervision_list"), {"zone": world.zone.pk, "format": "xlsx"}
        )
    )
    rows = _rows(sheet)
    assert rows == [
        [
            item.number,
            "协调解决智算中心项目用电",
            "经济发展部",
            None,
            sheet["E4"].value,
            item.get_status_display(),
            2,
        ]
    ]
