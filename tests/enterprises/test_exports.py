"""The .xlsx exports of the enterprise-service list pages: what is on screen (same filters, same
scope, the firm's own user seeing only its own) is what the file holds; text stays text; a user
refused the page is refused the export; every export is audited."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from tests.conftest import login
from tests.enterprises.conftest import add_years, last_years, make_enterprise, new_code
from tests.exports import export_count, sheet_of
from zonedesk.accounts.models import AuditEvent
from zonedesk.enterprises import selectors, services
from zonedesk.enterprises.models import FinancingNeed, MuResult, ServiceRequest

FORMULA = '=HYPERLINK("x")'


def read(response):
    """(filter line, headers, data rows) of an export: header on row 3, data from row 4."""
    rows = [[c.value for c in row] for row in sheet_of(response).iter_rows()]
    return rows[1][0], rows[2], rows[3:]


def column(headers, rows, label):
    index = headers.index(label)
    return [row[index] for row in rows]


def cell_of(response, text):
    """The cell holding `text`, to check how it was stored."""
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    for row in sheet.iter_rows():
        for c in row:
            if c.value == text:
                return c
    raise AssertionError(f"{text!r} not in the file")


def last_export():
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("id")


def refused(user, url, params=None):
    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    status = login(user).get(url, {**(params or {}), "format": "xlsx"}).status_code
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before
    return status == 403


@pytest.fixture
def own(world):
    """The enterprise file of 开创集团, whose `unit` user is then the firm's own user (qiye)."""
    return services.enterprise_register(
        by=world.econ,
        zone=world.zone,
        data={"industry_code": "3841", "land_area_mu": Decimal("30")},
        organisation=world.kaichuang,
        org_data={"credit_code": new_code()},
    )


# --- 梯度培育漏斗 -------------------------------------------------------------------------------------


def test_funnel_exports_the_tier_table_of_the_zone_on_screen(world, firm, other_firm):
    services.certificate_add(enterprise=firm, by=world.econ, data={"kind": "tech_sme"})
    services.certificate_add(
        enterprise=other_firm, by=world.other_staff, data={"kind": "high_tech"}
    )
    response = login(world.leader).get("/enterprises/funnel/", {"format": "xlsx"})
    filters, headers, rows = read(response)
    assert headers == [
        "梯度",
        "已认定（家）",
        "可申报（家）",
        "数据不全（家）",
        "下一梯度",
        "已认定且符合下一梯度（家）",
    ]
    expected = selectors.funnel(world.zone.pk)
    assert [r[0] for r in rows] == [r.label for r in expected]
    assert [r[1:4] for r in rows] == [[r.held, r.eligible, r.incomplete] for r in expected]
    by_label = {r[0]: r for r in rows}
    assert by_label["科技型中小企业"][1] == 1 and by_label["高新技术企业"][1] == 0
    assert by_label["科技型中小企业"][4] == "高新技术企业"
    assert by_label["四上企业（规上/限上）"][5] is None  # no next rung: blank, as "—" on screen
    assert "开发区：阳泉高新区" in filters
    event = last_export()
    assert "梯度培育漏斗（6行）" in event.note and event.actor_id == world.leader.pk

    # A viewer over two zones picks the other zone on screen: the file follows.
    world.viewer.viewer_zones.set([world.zone, world.other_zone])
    filters, _, rows = read(
        login(world.viewer).get(
            "/enterprises/funnel/", {"zone": world.other_zone.pk, "format": "xlsx"}
        )
    )
    assert "开发区：屯留经开区" in filters
    assert {r[0]: r[1] for r in rows}["高新技术企业"] == 1
    # Refused the page, refused the file: the firm's own user, the auditor, another zone.
    assert refused(world.unit, "/enterprises/funnel/")
    assert refused(world.auditor, "/enterprises/funnel/")
    assert refused(world.econ, "/enterprises/funnel/", {"zone": world.other_zone.pk})


def test_the_candidates_behind_the_funnel_export_with_each_condition(world, firm):
    """The funnel's 可申报 count links to the register filtered `?candidate=`; its export says,
    condition by condition, why each firm qualifies."""
    add_years(firm, last_years(3))
    held = make_enterprise(world.zone, "山西已认定高企有限公司")
    services.certificate_add(enterprise=held, by=world.econ, data={"kind": "high_tech"})
    page = login(world.econ).get("/enterprises/funnel/").content.decode()
    assert 'data-testid="eligible-high_tech">1<' in page
    response = login(world.econ).get("/enterprises/export/", {"candidate": "high_tech"})
    filters, headers, rows = read(response)
    assert "可申报：高新技术企业" in filters
    assert column(headers, rows, "企业名称") == [firm.name]
    assert column(headers, rows, "高新技术企业·结论") == ["符合条件，可申报"]
    conditions = headers[headers.index("高新技术企业·结论") + 1 :]
    assert "科技人员占职工总数比例" in conditions
    staff = column(headers, rows, "科技人员占职工总数比例")[0]
    assert staff.endswith("→ 符合") and "（≥ 10" in staff
    assert all(
        str(v).split("→ ")[-1] in ("符合", "待核实")
        for v in rows[0][len(headers) - len(conditions) :]
    )
    # Without the filter there is no condition column.
    _, headers, _ = read(login(world.econ).get("/enterprises/export/"))
    assert "高新技术企业·结论" not in headers


# --- 企业诉求 ---------------------------------------------------------------------------------------------


def _request(world, firm, text, received_on, *, close=False, reply=False):
    item = services.service_request_create(
        enterprise=firm, by=world.econ,
        data={"category": "land", "description": text, "department": world.econ_dept, "received_on": received_on, "time_limit_days": 5},
    )  # fmt: skip
    if reply or close:
        item = services.service_request_reply(
            item=item, by=world.econ, reply="已协调", close=close, expected_version=1
        )
    return item


def test_requests_export_follows_the_filters_and_keeps_text_text(world, firm, own):
    today = timezone.localdate()
    late = _request(world, firm, FORMULA, today - dt.timedelta(days=40))
    fresh = _request(world, firm, "用电增容", today)
    done = _request(world, firm, "办证", today - dt.timedelta(days=30), close=True)
    mine = _request(world, own, "招聘技工", today - dt.timedelta(days=40))

    response = login(world.econ).get("/enterprises/requests/", {"format": "xlsx"})
    filters, headers, rows = read(response)
    assert headers == [
        "受理日期", "企业名称", "统一社会信用代码", "诉求类别", "诉求内容", "承办部门",
        "办理时限（工作日）", "办结期限", "是否超期", "状态", "答复", "答复时间", "满意度",
    ]  # fmt: skip
    assert filters.startswith("筛选条件：全部")
    shown = list(selectors.service_requests(world.econ))
    assert column(headers, rows, "诉求内容") == [r.description for r in shown]
    assert len(rows) == 4
    row = rows[column(headers, rows, "诉求内容").index(FORMULA)]
    assert row[0] == dt.datetime.combine(late.received_on, dt.time())
    assert row[2] == firm.organisation.credit_code and row[7] == dt.datetime.combine(
        late.due_on, dt.time()
    )
    assert (row[8], row[9]) == ("超期", "办理中")
    assert cell_of(response, FORMULA).data_type == "s"
    assert column(headers, rows, "是否超期").count("超期") == 2

    # The filters on screen narrow the file and are named on row 2.
    filters, headers, rows = read(
        login(world.econ).get(
            "/enterprises/requests/", {"status": "open", "overdue": "1", "format": "xlsx"}
        )
    )
    assert "状态：办理中；仅看超期" in filters
    assert sorted(column(headers, rows, "诉求内容")) == sorted([FORMULA, "招聘技工"])
    _, headers, rows = read(
        login(world.econ).get("/enterprises/requests/", {"status": "closed", "format": "xlsx"})
    )
    assert column(headers, rows, "诉求内容") == [done.description]
    assert column(headers, rows, "答复") == ["已协调"]
    assert "企业诉求（1行）" in last_export().note and "状态：已办结" in last_export().note

    # The firm's own user gets its own requests only; another zone's clerk gets none of these.
    _, headers, rows = read(login(world.unit).get("/enterprises/requests/", {"format": "xlsx"}))
    assert column(headers, rows, "诉求内容") == [mine.description]
    _, _, rows = read(login(world.other_staff).get("/enterprises/requests/", {"format": "xlsx"}))
    assert rows == []
    assert fresh.status == ServiceRequest.Status.OPEN
    assert refused(world.auditor, "/enterprises/requests/")
    assert refused(world.admin, "/enterprises/requests/")


# --- 亩均 ------------------------------------------------------------------------------------------------


@pytest.fixture
def evaluation(world, own):
    year = timezone.localdate().year - 1
    for i, (tax, land) in enumerate([("30", "40"), ("10", "60"), ("5", "80"), ("2", "2")]):
        firm = make_enterprise(world.zone, f"山西亩均{i}有限公司", land_area_mu=Decimal(land))
        add_years(firm, [year], tax=tax)
    add_years(own, [year], tax="8")
    return services.mu_evaluation_compute(zone=world.zone, year=year, by=world.leader)


def test_mu_results_export_one_row_per_firm_with_indicators(world, evaluation, own):
    response = login(world.econ).get(f"/enterprises/mu/{evaluation.pk}/", {"format": "xlsx"})
    filters, headers, rows = read(response)
    assert headers[:5] == ["排名", "企业名称", "统一社会信用代码", "等级", "得分"]
    assert headers[5:8] == ["亩均税收（万元/亩）", "亩均税收基准值", "亩均税收得分（权重45）"]
    assert "单位电耗税收（万元/万千瓦时）" in headers and headers[-2:] == ["不参评原因", "异议"]
    results = list(selectors.mu_results(world.econ, evaluation))
    assert len(rows) == len(results) == 5
    for row, result in zip(rows, results, strict=True):
        assert row[1] == result.enterprise.name and row[3] == result.grade
        assert row[2] == result.enterprise.organisation.credit_code
        if result.grade == "T":
            assert row[4] is None and row[-2] == result.reason
        else:
            assert row[0] == result.rank
            assert Decimal(str(row[4])) == result.score
            tax = next(b for b in result.breakdown if b["key"] == "tax_per_mu")
            assert Decimal(str(row[5])) == Decimal(tax["value"])
            assert Decimal(str(row[7])) == Decimal(tax["points"])
    assert "用地面积2.00亩，不足3亩" in column(headers, rows, "不参评原因")
    assert f"{evaluation.year}年度（草稿）" in filters

    # The grade chosen on screen narrows the file.
    filters, headers, rows = read(
        login(world.econ).get(f"/enterprises/mu/{evaluation.pk}/", {"grade": "A", "format": "xlsx"})
    )
    assert "等级：A类" in filters
    expected = MuResult.objects.filter(evaluation=evaluation, grade="A").count()
    assert len(rows) == expected and set(column(headers, rows, "等级")) == {"A"}
    assert f"亩均效益评价结果（{expected}行）" in last_export().note

    # The firm's own user: refused while in draft, then its own row only once published.
    assert refused(world.unit, f"/enterprises/mu/{evaluation.pk}/")
    assert refused(world.auditor, f"/enterprises/mu/{evaluation.pk}/")
    assert refused(world.other_staff, f"/enterprises/mu/{evaluation.pk}/")
    services.mu_evaluation_publish(
        evaluation=evaluation, by=world.leader, objection_days=5, expected_version=1
    )
    _, headers, rows = read(
        login(world.unit).get(f"/enterprises/mu/{evaluation.pk}/", {"format": "xlsx"})
    )
    assert column(headers, rows, "企业名称") == [own.name]


def test_mu_evaluation_list_exports(world, evaluation):
    other = services.mu_evaluation_compute(
        zone=world.other_zone, year=evaluation.year, by=world.other_staff
    )
    filters, headers, rows = read(login(world.econ).get("/enterprises/mu/", {"format": "xlsx"}))
    assert headers == ["评价年度", "开发区", "状态", "计算时间", "异议截止"]
    assert rows == [[evaluation.year, "阳泉高新区", "草稿", rows[0][3], None]]
    assert isinstance(rows[0][3], dt.datetime)
    assert other.pk != evaluation.pk
    assert "亩均效益评价（1行）" in last_export().note
    # The firm's own user does not see drafts, on screen or in the file.
    _, _, rows = read(login(world.unit).get("/enterprises/mu/", {"format": "xlsx"}))
    assert rows == []
    assert refused(world.auditor, "/enterprises/mu/")


# --- 证书到期 -----------------------------------------------------------------------------------------------


def test_expiring_certificates_export_follows_the_days_on_screen(world, firm, other_firm):
    today = timezone.localdate()
    soon = services.certificate_add(
        enterprise=firm, by=world.econ,
        data={"kind": "high_tech", "issuer": "省科技厅", "number": FORMULA, "issued_on": today - dt.timedelta(days=1000), "expires_on": today + dt.timedelta(days=30)},
    )  # fmt: skip
    services.certificate_add(
        enterprise=firm, by=world.econ,
        data={"kind": "tech_sme", "number": "0012", "expires_on": today + dt.timedelta(days=200)},
    )  # fmt: skip
    services.certificate_add(
        enterprise=other_firm, by=world.other_staff,
        data={"kind": "tech_sme", "expires_on": today + dt.timedelta(days=10)},
    )  # fmt: skip
    response = login(world.econ).get("/enterprises/certificates/expiring/", {"format": "xlsx"})
    filters, headers, rows = read(response)
    assert headers == [
        "到期日", "剩余天数", "企业名称", "统一社会信用代码", "资质", "名称/说明", "认定机构",
        "证书编号", "认定日期",
    ]  # fmt: skip
    assert "提前天数：90天" in filters
    assert rows == [
        [
            dt.datetime.combine(soon.expires_on, dt.time()), 30, firm.name,
            firm.organisation.credit_code, "高新技术企业", None, "省科技厅", FORMULA,
            dt.datetime.combine(soon.issued_on, dt.time()),
        ]
    ]  # fmt: skip
    assert cell_of(response, FORMULA).data_type == "s"
    assert cell_of(response, firm.organisation.credit_code).data_type == "s"
    filters, headers, rows = read(
        login(world.econ).get(
            "/enterprises/certificates/expiring/", {"days": "365", "format": "xlsx"}
        )
    )
    assert "提前天数：365天" in filters
    assert column(headers, rows, "证书编号") == [FORMULA, "0012"]  # a leading zero kept
    assert "资质证书到期提醒（2行）" in last_export().note
    # The firm's own user sees its own firm's certificates only.
    _, _, rows = read(
        login(world.unit).get("/enterprises/certificates/expiring/", {"format": "xlsx"})
    )
    assert rows == []
    assert refused(world.auditor, "/enterprises/certificates/expiring/")


# --- 惠企政策 -------------------------------------------------------------------------------------------------


def test_policies_export_and_who_fits_a_policy(world, firm):
    add_years(firm, [timezone.localdate().year - 1], rd="30")
    policy = services.policy_save(
        zone=world.zone, by=world.econ,
        data={"title": FORMULA, "issuer": "管委会", "benefit": "按研发投入10%补助", "document_number": "阳高管发〔2026〕3号",
              "valid_from": dt.date(2026, 1, 1), "conditions": [{"field": "rd", "op": ">=", "value": 100}, {"field": "tier", "op": "not_has", "value": "high_tech"}]},
    )  # fmt: skip
    services.policy_save(
        zone=world.other_zone,
        by=world.other_staff,
        data={"title": "屯留政策", "issuer": "屯留", "benefit": "奖励", "conditions": []},
    )
    make_enterprise(world.zone, "山西无数据有限公司")
    response = login(world.econ).get("/enterprises/policies/", {"format": "xlsx"})
    _, headers, rows = read(response)
    assert headers == [
        "政策名称", "文号", "发文机关", "支持内容", "有效期起", "有效期至", "状态", "条件数",
        "适用条件",
    ]  # fmt: skip
    assert rows == [
        [
            FORMULA, "阳高管发〔2026〕3号", "管委会", "按研发投入10%补助", dt.datetime(2026, 1, 1),
            None, "有效", 2, "上年研发投入（万元） ≥ 100；未认定高新技术企业",
        ]
    ]  # fmt: skip
    assert cell_of(response, FORMULA).data_type == "s"
    assert refused(world.auditor, "/enterprises/policies/")

    url = f"/enterprises/policies/{policy.pk}/"
    filters, headers, rows = read(login(world.econ).get(url, {"format": "xlsx"}))
    assert headers == [
        "企业名称",
        "统一社会信用代码",
        "结论",
        "上年研发投入（万元）",
        "未认定高新技术企业",
    ]
    assert rows == [[firm.name, firm.organisation.credit_code, "符合", "360.00（≥ 100.00）→ 符合", "否（未认定）→ 符合"]]  # fmt: skip
    assert "结论：符合" in filters
    filters, headers, rows = read(login(world.econ).get(url, {"show": "missing", "format": "xlsx"}))
    assert "结论：缺数据" in filters
    assert column(headers, rows, "企业名称") == ["山西无数据有限公司"]
    assert column(headers, rows, "上年研发投入（万元）") == ["—（≥ 100.00）→ 缺数据"]
    assert refused(world.other_staff, url)
    assert refused(world.auditor, url)
    # Two conditions on one figure keep a column each.
    band = services.policy_save(
        zone=world.zone, by=world.econ,
        data={"title": "区间", "issuer": "管委会", "benefit": "奖励",
              "conditions": [{"field": "rd", "op": ">=", "value": 100}, {"field": "rd", "op": "<=", "value": 200}]},
    )  # fmt: skip
    _, headers, rows = read(
        login(world.econ).get(f"/enterprises/policies/{band.pk}/", {"show": "no", "format": "xlsx"})
    )
    assert headers[3:] == ["上年研发投入（万元） ≥ 100.00", "上年研发投入（万元） ≤ 200.00"]
    assert rows[0][2:] == ["不符合", "360.00（≥ 100.00）→ 符合", "360.00（≤ 200.00）→ 不符合"]


# --- 银企对接 ---------------------------------------------------------------------------------------------------


def test_financing_needs_export_with_the_status_on_screen(world, firm, other_firm):
    bank = services.institution_create(zone=world.zone, by=world.econ, name="晋商银行阳泉分行")
    granted = services.financing_need_create(
        enterprise=firm, by=world.econ,
        data={"amount": Decimal("800"), "purpose": FORMULA, "term_months": 12, "collateral": "设备抵押"},
    )  # fmt: skip
    services.financing_outcome_record(
        need=granted, by=world.econ, status=FinancingNeed.Status.GRANTED, institution=bank,
        product=None, granted_amount=Decimal("600.5"), granted_on=dt.date(2026, 3, 10), expected_version=1,
    )  # fmt: skip
    services.financing_need_create(
        enterprise=firm, by=world.econ, data={"amount": Decimal("300"), "purpose": "流动资金"}
    )
    services.financing_need_create(
        enterprise=other_firm,
        by=world.other_staff,
        data={"amount": Decimal("1"), "purpose": "屯留"},
    )
    response = login(world.econ).get("/enterprises/finance/", {"format": "xlsx"})
    _, headers, rows = read(response)
    assert headers == [
        "企业名称", "统一社会信用代码", "需求金额（万元）", "用途", "期限（月）", "担保", "对接活动",
        "状态", "放款机构", "放款金额（万元）", "放款日期",
    ]  # fmt: skip
    assert sorted(column(headers, rows, "用途")) == sorted([FORMULA, "流动资金"])
    assert sum(column(headers, rows, "需求金额（万元）")) == 1100
    assert cell_of(response, FORMULA).data_type == "s"
    filters, headers, rows = read(
        login(world.econ).get("/enterprises/finance/", {"status": "granted", "format": "xlsx"})
    )
    assert "状态：已放款" in filters
    assert rows == [
        [
            firm.name, firm.organisation.credit_code, 800, FORMULA, 12, "设备抵押", None,
            "已放款", "晋商银行阳泉分行", 600.5, dt.datetime(2026, 3, 10),
        ]
    ]  # fmt: skip
    assert "融资需求（1行）" in last_export().note and "状态：已放款" in last_export().note
    # The firm's own user is sent to its own file on screen, and refused the file too.
    assert refused(world.unit, "/enterprises/finance/")
    assert refused(world.auditor, "/enterprises/finance/")


def test_a_matchmaking_event_exports_its_needs_with_the_outcome(world, firm):
    bank = services.institution_create(zone=world.zone, by=world.econ, name="晋商银行阳泉分行")
    event = services.event_create(
        zone=world.zone, by=world.econ, data={"title": "春季银企对接会", "date": dt.date(2026, 3, 1),
                                              "place": "高新区会展中心"},
        enterprises=[firm], institutions=[bank],
    )  # fmt: skip
    other = services.event_create(
        zone=world.zone, by=world.econ, data={"title": "秋季对接会", "date": dt.date(2026, 9, 1)},
        enterprises=[], institutions=[],
    )  # fmt: skip
    granted = services.financing_need_create(
        enterprise=firm, by=world.econ,
        data={"amount": Decimal("800"), "purpose": FORMULA, "event": event},
    )  # fmt: skip
    services.financing_outcome_record(
        need=granted, by=world.econ, status=FinancingNeed.Status.GRANTED, institution=bank,
        product=None, granted_amount=Decimal("600.5"), granted_on=dt.date(2026, 3, 10), expected_version=1,
    )  # fmt: skip
    services.financing_need_create(
        enterprise=firm, by=world.econ,
        data={"amount": Decimal("300"), "purpose": "流动资金", "event": event},
    )  # fmt: skip
    services.financing_need_create(  # another event's need is not this event's row
        enterprise=firm, by=world.econ, data={"amount": Decimal("5"), "purpose": "秋季", "event": other}
    )  # fmt: skip
    url = f"/enterprises/finance/events/{event.pk}/"
    assert 'data-testid="export-xlsx"' in login(world.econ).get(url).content.decode()
    response = login(world.leader).get(url, {"format": "xlsx"})
    filters, headers, rows = read(response)
    assert "对接活动：春季银企对接会（2026-03-01，高新区会展中心）" in filters
    assert headers == ["企业名称", "需求金额（万元）", "用途", "状态", "放款机构",
                       "放款金额（万元）", "放款日期"]  # fmt: skip
    assert sorted(rows[:-1], key=lambda r: r[1]) == [
        [firm.name, 300, "流动资金", "对接中", None, None, None],
        [firm.name, 800, FORMULA, "已放款", "晋商银行阳泉分行", 600.5, dt.datetime(2026, 3, 10)],
    ]  # fmt: skip
    assert rows[-1] == ["合计", 1100, None, None, None, 600.5, None]  # the page's 放款合计
    assert cell_of(response, FORMULA).data_type == "s"
    assert "春季银企对接会对接结果（2行）" in last_export().note
    # Another event: its own need only.
    _, _, rows = read(login(world.econ).get(f"/enterprises/finance/events/{other.pk}/",
                                            {"format": "xlsx"}))  # fmt: skip
    assert [r[2] for r in rows] == ["秋季", None]
    # Refused the page, refused the file: the firm's own user, the auditor, another zone's staff.
    for user in (world.unit, world.auditor, world.other_staff):
        assert refused(user, url), user


# --- 一企一档: the 月度数据 and 资质与证书 tables ----------------------------------------------------


def _detail(user, enterprise, table):
    return login(user).get(f"/enterprises/{enterprise.pk}/", {"format": "xlsx", "table": table})


def test_the_firms_monthly_figures_export_the_24_months_on_screen(world, firm, other_firm):
    year = timezone.localdate().year
    add_years(firm, [year - 2, year - 1], revenue="500.5", electricity="40")
    add_years(other_firm, [year - 1], revenue="9")  # another firm's months are not in the file
    shown = selectors.recent_figures(firm)
    assert len(shown) == 24 and firm.figures.count() == 24
    add_years(firm, [year - 3], months=1)  # a 25th month: past what the page lists
    shown = selectors.recent_figures(firm)
    before = export_count()
    sheet = sheet_of(_detail(world.econ, firm, "figures"))
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [c.value for c in sheet[3]] == [
        "月份", "产值（万元）", "营业收入（万元）", "税收（万元）", "用电量（万千瓦时）",
        "从业人员（人）", "研发投入（万元）", "来源", "版本",
    ]  # fmt: skip
    assert firm.name in sheet["A2"].value and "最近24个月" in sheet["A2"].value
    assert [r[0] for r in rows] == [f"{f.year}-{f.month:02d}" for f in shown]
    assert len(rows) == 24 and rows[0][0] == f"{year - 1}-12"
    assert rows[0][1:] == [550, 500.5, 25, 40, 120, 30, "表单录入", 1]
    assert sheet["C4"].number_format == "#,##0.00"
    assert export_count() == before + 1
    assert f"{firm.name}月度经营数据（24行）" in last_export().note


def test_the_firms_certificates_export_with_the_pages_tags(world, firm):
    today = timezone.localdate()
    services.certificate_add(
        enterprise=firm, by=world.econ,
        data={"kind": "high_tech", "issuer": FORMULA, "number": "GR2024", "issued_on": today - dt.timedelta(days=700),
              "expires_on": today + dt.timedelta(days=30)},
    )  # fmt: skip
    services.certificate_add(enterprise=firm, by=world.econ, data={"kind": "tech_sme"})
    gone = services.certificate_add(
        enterprise=firm, by=world.econ, data={"kind": "listed", "name": "新三板"}
    )
    services.certificate_revoke(certificate=gone, by=world.econ, reason="摘牌")
    response = _detail(world.econ, firm, "certificates")
    sheet = sheet_of(response)
    assert [c.value for c in sheet[3]] == [
        "类别", "名称/说明", "认定机构", "证书编号", "认定日期", "有效期至", "状态", "撤销原因"
    ]  # fmt: skip
    rows = {r[0]: r for r in ([c.value for c in row] for row in sheet.iter_rows(min_row=4))}
    assert [r[0] for r in sheet.iter_rows(min_row=4, max_col=1, values_only=True)] == [
        c.get_kind_display() for c in selectors.certificates_of(firm)
    ]
    assert rows["高新技术企业"][2:4] == [FORMULA, "GR2024"]
    assert rows["高新技术企业"][5].date() == today + dt.timedelta(days=30)
    assert rows["高新技术企业"][6] == "即将到期"
    assert rows["科技型中小企业"][5:7] == [None, "长期有效"]
    assert rows["上市公司"][1] == "新三板" and rows["上市公司"][6:] == ["已撤销", "摘牌"]
    assert cell_of(response, FORMULA).data_type == "s"
    assert f"企业：{firm.name}" in sheet["A2"].value
    assert f"{firm.name}资质与证书（3行）" in last_export().note


def test_the_firms_own_user_exports_its_own_file_only(world, firm, own):
    services.certificate_add(enterprise=own, by=world.econ, data={"kind": "tech_sme"})
    services.certificate_add(enterprise=firm, by=world.econ, data={"kind": "high_tech"})
    sheet = sheet_of(_detail(world.unit, own, "certificates"))
    assert [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)] == ["科技型中小企业"]
    # Refused the page, refused the file: another firm's file, another zone's staff.
    before = export_count()
    for user, enterprise in (
        (world.unit, firm),
        (world.other_unit, own),
        (world.other_staff, firm),
    ):
        assert login(user).get(f"/enterprises/{enterprise.pk}/").status_code == 403
        for table in ("figures", "certificates"):
            assert _detail(user, enterprise, table).status_code == 403, (user, table)
    assert export_count() == before


def test_an_unknown_table_of_the_firms_file_is_404_and_each_table_links_its_export(world, firm):
    assert _detail(world.econ, firm, "history").status_code == 404
    assert login(world.econ).get(f"/enterprises/{firm.pk}/", {"format": "xlsx"}).status_code == 404
    page = login(world.econ).get(f"/enterprises/{firm.pk}/").content.decode()
    assert 'href="?format=xlsx&amp;table=figures" data-testid="export-xlsx-figures"' in page
    assert 'href="?format=xlsx&amp;table=certificates"' in page
