""".xlsx exports of the campaigns list and of each table of the statistics page: the page's rows
in the user's scope, the period on screen named on row 2, text never a formula, the same
refusals as the page, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import login
from tests.exports import export_count, sheet_of, table_of
from tests.ledgers.conftest import item_data, png
from zonedesk.ledgers import services
from zonedesk.ledgers.models import LedgerItem

FORMULA = '=HYPERLINK("x")'
YEAR = timezone.localdate().year - 1  # a whole past year: its items are overdue by now


@pytest.fixture
def ledger(world, campaign):
    """Three items of the campaign: two found in the first half of YEAR (one fixed by 开创集团
    and closed, one by 路达市政 still open), one found in the second half at a place named like
    a formula; a second campaign with no item."""
    day = dt.date
    first = services.item_create(campaign=campaign, by=world.leader, data=item_data(
        world, found_on=day(YEAR, 3, 2), deadline=day(YEAR, 4, 30)))  # fmt: skip
    services.item_start(item=first, by=world.econ)
    services.evidence_add(item=first, by=world.econ, files=[png()])
    services.item_apply(item=first, by=world.econ)
    services.item_check(item=first, by=world.invest, passed=True)
    services.item_create(campaign=campaign, by=world.leader, data=item_data(
        world, found_on=day(YEAR, 4, 2), deadline=day(YEAR, 5, 31), responsible_unit=world.luda,
        place="路达料场"))  # fmt: skip
    services.item_create(campaign=campaign, by=world.leader, data=item_data(
        world, found_on=day(YEAR, 8, 1), deadline=day(YEAR, 9, 30), place=FORMULA,
        category="油烟", problem=FORMULA))  # fmt: skip
    quiet = services.campaign_save(zone=world.zone, by=world.leader, data={
        "name": "安全生产大排查", "theme": "安全生产", "source": "self",
        "lead_department": world.invest_dept, "start": day(YEAR, 6, 1), "publicity_required": False,
    })  # fmt: skip
    return campaign, quiet


# --- 专项行动 ------------------------------------------------------------------------------------


def test_the_campaign_list_exports_as_on_screen(world, ledger):
    campaign, quiet = ledger
    sheet = sheet_of(login(world.leader).get("/ledgers/", {"format": "xlsx"}))
    assert sheet["A1"].value == f"{world.zone.label}专项行动"
    assert sheet["A2"].value.startswith(f"筛选条件：开发区：{world.zone.label}")
    header, rows = table_of(sheet)
    assert header == ["专项行动", "领域", "来源", "牵头部门", "开始日期", "结束日期", "排查问题",
                      "已整改", "已销号", "销号率（%）", "逾期"]  # fmt: skip
    assert set(rows) == {campaign.name, quiet.name, "合计"}
    row = rows[campaign.name]
    assert (row["领域"], row["来源"], row["牵头部门"]) == ("生态环境", "上级交办", "经济发展部")
    assert row["开始日期"].date() == dt.date(2026, 1, 15) and row["结束日期"].date() == campaign.end
    counts = (row["排查问题"], row["已整改"], row["已销号"], row["逾期"])
    assert counts == (3, 1, 1, 2)
    assert round(row["销号率（%）"], 1) == 33.3
    assert rows[quiet.name]["排查问题"] == 0 and rows[quiet.name]["销号率（%）"] is None
    assert rows["合计"]["排查问题"] == LedgerItem.objects.count()
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3")
    assert export_count() == 1


def test_a_unit_exports_only_the_items_it_is_responsible_for(world, ledger):
    campaign, _quiet = ledger
    _, rows = table_of(sheet_of(login(world.other_unit).get("/ledgers/", {"format": "xlsx"})))
    assert rows[campaign.name]["排查问题"] == 1 and rows["合计"]["排查问题"] == 1  # 路达's one


def test_who_may_not_read_the_campaigns_may_not_export_them(world, ledger):
    for user in (world.admin, world.auditor):
        assert login(user).get("/ledgers/", {"format": "xlsx"}).status_code == 403
        assert login(user).get("/ledgers/stats/", {"format": "xlsx"}).status_code == 403
    other = login(world.other_staff)
    assert other.get("/ledgers/", {"zone": world.zone.pk, "format": "xlsx"}).status_code == 403
    assert (
        other.get("/ledgers/stats/", {"zone": world.zone.pk, "format": "xlsx"}).status_code == 403
    )
    assert export_count() == 0


def test_the_campaign_list_links_its_export_with_the_zone(world, ledger):
    page = login(world.leader).get("/ledgers/", {"zone": world.zone.pk}).content.decode()
    assert f'href="?format=xlsx&amp;zone={world.zone.pk}" data-testid="export-xlsx"' in page


# --- 统计分析 ------------------------------------------------------------------------------------


def _stats(client, table, **query):
    return sheet_of(client.get("/ledgers/stats/", {"format": "xlsx", "table": table, **query}))


def test_the_counts_by_campaign_follow_the_period_on_screen(world, ledger):
    campaign, _quiet = ledger
    client = login(world.leader)
    sheet = _stats(client, "campaigns")
    assert sheet["A1"].value == f"{world.zone.label}整改统计（按专项行动）"
    assert "统计期间：全部" in sheet["A2"].value
    header, rows = table_of(sheet)
    assert header == ["专项行动", "排查", "整改", "销号", "销号率（%）"]
    assert (rows[campaign.name]["排查"], rows[campaign.name]["销号"]) == (3, 1)
    first_half = _stats(client, "campaigns", period=f"{YEAR}H1")
    assert f"统计期间：{YEAR}年上半年" in first_half["A2"].value
    _, rows = table_of(first_half)
    # Closed today, after the period's end: not counted as closed within it.
    assert (rows[campaign.name]["排查"], rows[campaign.name]["销号率（%）"]) == (2, 0)
    assert export_count() == 2


def test_the_counts_by_department_and_the_overdue_items(world, ledger):
    client = login(world.leader)
    header, rows = table_of(_stats(client, "departments", period=f"{YEAR}H2"))
    assert header == ["责任部门", "排查", "整改", "销号", "逾期"]
    assert rows["经济发展部"]["排查"] == 1 and rows["经济发展部"]["逾期"] == 1
    sheet = _stats(client, "overdue")
    assert "本表不按期间统计" in sheet["A2"].value
    header, rows = table_of(sheet)
    assert header == ["编号", "专项行动", "问题", "责任部门", "整改时限", "逾期天数", "整改状态"]
    overdue = LedgerItem.objects.exclude(status="closed").order_by("number")
    assert list(rows) == [i.number for i in overdue]
    row = rows[overdue.last().number]
    assert row["问题"] == FORMULA and row["整改时限"].date() == dt.date(YEAR, 9, 30)
    assert row["逾期天数"] == (timezone.localdate() - dt.date(YEAR, 9, 30)).days
    cell = next(r[2] for r in sheet.iter_rows(min_row=4) if r[2].value == FORMULA)
    assert cell.data_type == "s"


def test_the_repeat_tables_export_every_place_and_category(world, ledger):
    client = login(world.viewer)
    sheet = _stats(client, "repeat-place")
    header, rows = table_of(sheet)
    assert header == ["点位/企业", "问题数", "重复", "重复率（%）"]
    assert set(rows) == {"开创集团料场", "路达料场", FORMULA}
    cell = next(r[0] for r in sheet.iter_rows(min_row=4) if r[0].value == FORMULA)
    assert cell.data_type == "s"
    _, rows = table_of(_stats(client, "repeat-category"))
    assert rows["扬尘"]["问题数"] == 2 and rows["油烟"]["问题数"] == 1


def test_an_unknown_statistics_table_is_not_found(world, ledger):
    assert (
        login(world.leader).get("/ledgers/stats/", {"format": "xlsx", "table": "x"}).status_code
        == 404
    )
    assert export_count() == 0


def test_the_statistics_page_links_each_table_s_export_with_its_period(world, ledger):
    page = login(world.leader).get("/ledgers/stats/", {"period": f"{YEAR}H1"}).content.decode()
    for table in ("campaigns", "departments", "repeat-place", "repeat-category", "overdue"):
        assert f'?format=xlsx&amp;table={table}&amp;period={YEAR}H1"' in page
