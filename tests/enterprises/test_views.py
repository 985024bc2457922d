"""Every page and action of enterprise services: who may see it, who may change it, and that a
refusal is audited; query counts that do not grow with the number of firms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login
from tests.enterprises.conftest import add_years, make_enterprise, new_code
from zonedesk.accounts.models import AuditEvent
from zonedesk.enterprises import services
from zonedesk.enterprises.models import (
    EnterpriseSettings,
    FinancingNeed,
    MatchmakingEvent,
    MonthlyFigure,
    ServicePlan,
    ServiceRequest,
)

PERSONAS = [
    "leader",
    "deputy",
    "econ",
    "invest",
    "unit",
    "other_staff",
    "viewer",
    "auditor",
    "admin",
]


@pytest.fixture
def things(world, firm, other_firm):
    """One of everything in zone A, owned by `firm`."""
    t = type("Things", (), {})()
    t.firm = firm
    t.other_firm = other_firm
    t.request = services.service_request_create(
        enterprise=firm, by=world.econ,
        data={"category": "land", "description": "用地", "department": world.econ_dept, "received_on": dt.date(2026, 3, 2), "time_limit_days": 5},
    )  # fmt: skip
    t.policy = services.policy_save(
        zone=world.zone,
        by=world.econ,
        data={"title": "奖励", "issuer": "管委会", "benefit": "10万元", "conditions": []},
    )
    t.need = services.financing_need_create(
        enterprise=firm, by=world.econ, data={"amount": Decimal(500), "purpose": "设备"}
    )
    t.event = MatchmakingEvent.objects.create(
        zone=world.zone, title="银企对接会", date=dt.date(2026, 3, 1)
    )
    t.plan = services.plan_create(
        enterprise=firm,
        by=world.econ,
        data={
            "goal": "高企",
            "measures": "辅导",
            "department": world.econ_dept,
            "deadline": dt.date(2026, 12, 1),
        },
    )
    year = timezone.localdate().year - 1
    add_years(firm, [year])
    t.evaluation = services.mu_evaluation_compute(zone=world.zone, year=year, by=world.leader)
    t.cert = services.certificate_add(enterprise=firm, by=world.econ, data={"kind": "tech_sme"})
    return t


def persona(world, name):
    return getattr(world, name)


# url builder, then the personas who get 200 (everyone else gets 403)
READ_PAGES = [
    (
        lambda t: "/enterprises/",
        {"leader", "deputy", "econ", "invest", "unit", "other_staff", "viewer"},
    ),
    (lambda t: f"/enterprises/{t.firm.pk}/", {"leader", "deputy", "econ", "invest", "viewer"}),
    (lambda t: f"/enterprises/{t.firm.pk}/edit/", {"leader", "deputy", "econ", "invest"}),
    (lambda t: "/enterprises/new/", {"leader", "deputy", "econ", "invest", "other_staff"}),
    (
        lambda t: "/enterprises/funnel/",
        {"leader", "deputy", "econ", "invest", "other_staff", "viewer"},
    ),
    (
        lambda t: "/enterprises/certificates/expiring/",
        {"leader", "deputy", "econ", "invest", "unit", "other_staff", "viewer"},
    ),
    (
        lambda t: "/enterprises/rules/",
        {"leader", "deputy", "econ", "invest", "unit", "other_staff"},
    ),
    (lambda t: "/enterprises/settings/", {"leader", "deputy"}),
    (
        lambda t: "/enterprises/mu/",
        {"leader", "deputy", "econ", "invest", "unit", "other_staff", "viewer"},
    ),
    (
        lambda t: f"/enterprises/mu/{t.evaluation.pk}/",
        {"leader", "deputy", "econ", "invest", "viewer"},
    ),
    (
        lambda t: "/enterprises/requests/",
        {"leader", "deputy", "econ", "invest", "unit", "other_staff", "viewer"},
    ),
    (lambda t: "/enterprises/requests/new/", {"leader", "deputy", "econ", "invest", "other_staff"}),
    (
        lambda t: f"/enterprises/requests/{t.request.pk}/",
        {"leader", "deputy", "econ", "invest", "viewer"},
    ),
    (
        lambda t: "/enterprises/policies/",
        {"leader", "deputy", "econ", "invest", "unit", "other_staff", "viewer"},
    ),
    (lambda t: "/enterprises/policies/new/", {"leader", "deputy", "econ", "invest", "other_staff"}),
    (
        lambda t: f"/enterprises/policies/{t.policy.pk}/",
        {"leader", "deputy", "econ", "invest", "unit", "viewer"},
    ),
    (
        lambda t: f"/enterprises/policies/{t.policy.pk}/edit/",
        {"leader", "deputy", "econ", "invest"},
    ),
    (
        lambda t: "/enterprises/finance/",
        {"leader", "deputy", "econ", "invest", "other_staff", "viewer"},
    ),
    (
        lambda t: f"/enterprises/finance/needs/{t.need.pk}/",
        {"leader", "deputy", "econ", "invest", "viewer"},
    ),
    (
        lambda t: "/enterprises/finance/events/new/",
        {"leader", "deputy", "econ", "invest", "other_staff"},
    ),
    (
        lambda t: f"/enterprises/finance/events/{t.event.pk}/",
        {"leader", "deputy", "econ", "invest", "viewer"},
    ),
]


@pytest.mark.parametrize("index", range(len(READ_PAGES)))
def test_who_may_open_each_page(world, things, index):
    build, allowed = READ_PAGES[index]
    url = build(things)
    for name in PERSONAS:
        response = login(persona(world, name)).get(url)
        expected = 200 if name in allowed else 403
        assert response.status_code == expected, (url, name, response.status_code)


def test_refusals_are_audited_and_missing_records_are_404(world, things):
    before = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count()
    assert login(world.other_staff).get(f"/enterprises/{things.firm.pk}/").status_code == 403
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).order_by("-id").first()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == before + 1
    assert denied.note == "无权查看该企业档案" and denied.zone_id == world.zone.pk
    for url in [
        "/enterprises/999999/",
        "/enterprises/requests/999999/",
        "/enterprises/policies/999999/",
        "/enterprises/mu/999999/",
        "/enterprises/finance/needs/999999/",
    ]:
        assert login(world.leader).get(url).status_code == 404, url


def test_zone_b_sees_its_own_firm_only(world, things):
    client = login(world.other_staff)
    page = client.get("/enterprises/").content.decode()
    assert things.other_firm.name in page and things.firm.name not in page
    assert client.get(f"/enterprises/{things.other_firm.pk}/").status_code == 200


# --- writes ---------------------------------------------------------------------------------------


def post_as(world, name, url, data):
    return login(persona(world, name)).post(url, data)


def test_only_editors_change_a_file(world, things):
    firm = things.firm
    cert = {"cert-kind": "high_tech", "cert-issuer": "省科技厅", "cert-number": "GR1"}
    for name in ["viewer", "unit", "other_staff", "auditor"]:
        assert (
            post_as(world, name, f"/enterprises/{firm.pk}/certificates/", cert).status_code == 403
        ), name
        assert post_as(world, name, f"/enterprises/{firm.pk}/plans/", {}).status_code == 403, name
        assert post_as(world, name, f"/enterprises/{firm.pk}/needs/", {}).status_code == 403, name
        assert (
            post_as(
                world, name, f"/enterprises/certificates/{things.cert.pk}/revoke/", {"reason": "x"}
            ).status_code
            == 403
        ), name
        assert (
            post_as(
                world,
                name,
                f"/enterprises/plans/{things.plan.pk}/close/",
                {"version": 1, "result": "x"},
            ).status_code
            == 403
        ), name
    assert (
        post_as(world, "invest", f"/enterprises/{firm.pk}/certificates/", cert).status_code == 302
    )
    assert firm.certificates.filter(kind="high_tech").exists()
    response = post_as(
        world,
        "econ",
        f"/enterprises/plans/{things.plan.pk}/close/",
        {"version": 1, "result": "已申报"},
    )
    assert response.status_code == 302
    assert ServicePlan.objects.get().status == ServicePlan.Status.CLOSED


def test_monthly_figures_by_form_and_by_the_firm_itself_when_allowed(world, things):
    firm = things.firm
    services.enterprise_register(
        by=world.econ,
        zone=world.zone,
        data={},
        organisation=world.kaichuang,
        org_data={"credit_code": new_code()},
    )
    own = world.kaichuang.enterprise
    data = {
        "fig-period": "2026-01",
        "fig-revenue": "1.2亿",
        "fig-tax": "300",
        "fig-employees": "80",
        "fig-version": "0",
    }
    assert post_as(world, "econ", f"/enterprises/{firm.pk}/figures/", data).status_code == 302
    figure = MonthlyFigure.objects.get(enterprise=firm, year=2026, month=1)
    assert (figure.revenue, figure.source) == (Decimal("12000.00"), MonthlyFigure.Source.FORM)
    # The firm's own user may not, until the zone allows self-reporting; never another firm's.
    assert post_as(world, "unit", f"/enterprises/{own.pk}/figures/", data).status_code == 403
    EnterpriseSettings.objects.create(zone=world.zone, self_reporting=True)
    assert post_as(world, "unit", f"/enterprises/{own.pk}/figures/", data).status_code == 302
    assert MonthlyFigure.objects.get(enterprise=own).source == MonthlyFigure.Source.SELF
    assert post_as(world, "unit", f"/enterprises/{firm.pk}/figures/", data).status_code == 403
    assert login(world.unit).get(f"/enterprises/{own.pk}/").status_code == 200


def test_a_bad_figure_is_explained_not_a_500(world, things):
    response = post_as(
        world,
        "econ",
        f"/enterprises/{things.firm.pk}/figures/",
        {"fig-period": "2026-13", "fig-revenue": "约100万"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "月份格式应为 2026-03。" in text and "营业收入（万元）：" in text


def test_request_reply_is_for_its_department_and_rating_for_the_firm(world, things):
    url = f"/enterprises/requests/{things.request.pk}/"
    reply = {"version": 1, "reply": "已协调", "close": ""}
    assert post_as(world, "invest", url, reply).status_code == 403  # another department
    assert post_as(world, "viewer", url, reply).status_code == 403
    assert post_as(world, "econ", url, reply).status_code == 302
    item = ServiceRequest.objects.get()
    assert item.status == ServiceRequest.Status.REPLIED
    assert post_as(world, "viewer", url, {"action": "rate", "satisfaction": 5}).status_code == 403
    assert post_as(world, "econ", url, {"action": "rate", "satisfaction": 5}).status_code == 302
    assert ServiceRequest.objects.get().satisfaction == 5


def test_request_create_page_computes_the_deadline(world, things):
    data = {
        "enterprise": things.firm.pk,
        "category": "finance",
        "description": "贷款",
        "department": world.econ_dept.pk,
        "received_on": "2026-02-12",
        "time_limit_days": 5,
    }
    response = post_as(world, "econ", "/enterprises/requests/new/", data)
    item = ServiceRequest.objects.order_by("-id").first()
    assert response.status_code == 302 and item.due_on == dt.date(2026, 2, 26)
    page = login(world.econ).get(f"/enterprises/requests/{item.pk}/").content.decode()
    assert "2026-02-14（星期六）调休上班，计入" in page and "春节，不计" in page
    # Another zone's firm cannot be chosen.
    data["enterprise"] = things.other_firm.pk
    assert post_as(world, "econ", "/enterprises/requests/new/", data).status_code == 200
    assert ServiceRequest.objects.count() == 2


def test_rules_settings_and_mu_are_decided_by_leaders(world, things):
    rules_post = {
        "effective_from": "2026-01-01",
        "note": "",
        "data": '{"four_above": {"groups": []}}',
    }
    assert post_as(world, "econ", "/enterprises/rules/", rules_post).status_code == 403
    response = post_as(world, "leader", "/enterprises/rules/", rules_post)
    assert (
        response.status_code == 200
        and "缺少“科技型中小企业”的规则（键 tech_sme）" in response.content.decode()
    )
    assert (
        post_as(
            world, "econ", "/enterprises/settings/", {"request_days": 5, "expiry_warning_days": 90}
        ).status_code
        == 403
    )
    assert (
        post_as(
            world,
            "deputy",
            "/enterprises/settings/",
            {"self_reporting": "on", "request_days": 7, "expiry_warning_days": 60},
        ).status_code
        == 302
    )
    assert EnterpriseSettings.objects.get(zone=world.zone).request_days == 7
    year = things.evaluation.year
    assert post_as(world, "econ", "/enterprises/mu/", {"year": year}).status_code == 403
    url = f"/enterprises/mu/{things.evaluation.pk}/publish/"
    assert (
        post_as(
            world, "econ", url, {"version": things.evaluation.version, "objection_days": 5}
        ).status_code
        == 403
    )
    assert (
        post_as(
            world, "leader", url, {"version": things.evaluation.version, "objection_days": 5}
        ).status_code
        == 302
    )
    things.evaluation.refresh_from_db()
    assert things.evaluation.status == "published"
    result = things.evaluation.results.get(enterprise=things.firm)
    assert (
        post_as(
            world, "viewer", f"/enterprises/mu/results/{result.pk}/objection/", {"objection": "x"}
        ).status_code
        == 403
    )
    assert (
        post_as(
            world,
            "econ",
            f"/enterprises/mu/results/{result.pk}/objection/",
            {"objection": "用地面积有误"},
        ).status_code
        == 302
    )
    result.refresh_from_db()
    assert result.objection == "用地面积有误"


def test_loan_outcome_page(world, things):
    bank = services.institution_create(zone=world.zone, by=world.econ, name="建设银行")
    url = f"/enterprises/finance/needs/{things.need.pk}/"
    data = {
        "version": 1,
        "status": "granted",
        "institution": bank.pk,
        "granted_amount": "400",
        "granted_on": "2026-03-10",
    }
    assert post_as(world, "viewer", url, data).status_code == 403
    assert post_as(world, "other_staff", url, data).status_code == 403
    assert post_as(world, "econ", url, data).status_code == 302
    assert FinancingNeed.objects.get().granted_amount == Decimal("400.00")
    data["version"] = 1
    response = post_as(world, "econ", url, data | {"granted_amount": "500"})
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()


def test_policy_pages_write(world, things):
    data = {
        "title": "升规奖励",
        "issuer": "市工信局",
        "benefit": "10万元",
        "conditions": '[{"field": "revenue", "op": ">=", "value": 2000}]',
    }
    assert post_as(world, "viewer", "/enterprises/policies/new/", data).status_code == 403
    assert post_as(world, "econ", "/enterprises/policies/new/", data).status_code == 302
    bad = post_as(world, "econ", "/enterprises/policies/new/", data | {"conditions": "[{"})
    assert bad.status_code == 200 and "不是合法的JSON" in bad.content.decode()


# --- query counts -----------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more_firms(world, n, start=0):
    year = timezone.localdate().year - 1
    for i in range(n):
        e = make_enterprise(world.zone, f"批量企业{start + i}有限公司")
        add_years(e, [year, year - 1], months=12)
        services.certificate_add(enterprise=e, by=world.econ, data={"kind": "tech_sme"})


@pytest.mark.parametrize(
    "url", ["/enterprises/", "/enterprises/funnel/", "/enterprises/?candidate=high_tech"]
)
def test_list_pages_do_not_query_per_firm(world, url, django_assert_max_num_queries):
    client = login(world.leader)
    _more_firms(world, 3)
    small = _queries(client, url)
    _more_firms(world, 12, start=3)
    assert _queries(client, url) == small
    with django_assert_max_num_queries(25):
        client.get(url)


def test_mu_page_does_not_query_per_firm(world, django_assert_max_num_queries):
    client = login(world.leader)
    year = timezone.localdate().year - 1
    _more_firms(world, 3)
    first = services.mu_evaluation_compute(zone=world.zone, year=year, by=world.leader)
    small = _queries(client, f"/enterprises/mu/{first.pk}/")
    _more_firms(world, 12, start=3)
    again = services.mu_evaluation_compute(zone=world.zone, year=year, by=world.leader)
    assert _queries(client, f"/enterprises/mu/{again.pk}/") == small
    with django_assert_max_num_queries(20):
        client.get(f"/enterprises/mu/{again.pk}/")


def test_the_file_page_shows_everything_about_the_firm(world, things):
    page = login(world.econ).get(f"/enterprises/{things.firm.pk}/").content.decode()
    for text in [
        "基本信息",
        "资质与证书",
        "梯度培育",
        "经营数据",
        "亩均效益评价",
        "一企一策",
        "企业诉求",
        "融资需求",
        "适用的惠企政策",
        "变更记录",
        "科技型中小企业",
    ]:
        assert text in page, text


def test_leaders_enter_next_years_holidays(world, things):
    from zonedesk.enterprises.models import CalendarDay

    data = {"day-date": "2027-01-01", "day-is_workday": "0", "day-name": "元旦"}
    assert post_as(world, "econ", "/enterprises/settings/", data).status_code == 403
    assert post_as(world, "leader", "/enterprises/settings/", data).status_code == 302
    row = CalendarDay.objects.get()
    assert (row.date, row.is_workday, row.name) == (dt.date(2027, 1, 1), False, "元旦")
    assert AuditEvent.objects.filter(object_type="enterprises.calendarday").exists()
    assert (
        post_as(world, "leader", "/enterprises/settings/", {"delete_day": row.pk}).status_code
        == 302
    )
    assert not CalendarDay.objects.exists()


def test_the_file_page_does_not_query_per_record(world, things):
    client = login(world.econ)
    url = f"/enterprises/{things.firm.pk}/"
    first = _queries(client, url)
    for i in range(5):
        services.certificate_add(
            enterprise=things.firm, by=world.econ, data={"kind": "other", "name": f"证书{i}"}
        )
        services.plan_create(
            enterprise=things.firm,
            by=world.econ,
            data={
                "goal": f"目标{i}",
                "measures": "m",
                "department": world.econ_dept,
                "deadline": dt.date(2026, 12, 1),
            },
        )
        services.financing_need_create(
            enterprise=things.firm, by=world.econ, data={"amount": Decimal(100 + i), "purpose": "p"}
        )
    add_years(things.firm, [timezone.localdate().year - 2])
    assert _queries(client, url) == first


def test_the_firms_own_user_raises_its_request_and_rates_the_answer(world, things):
    own = services.enterprise_register(
        by=world.econ,
        zone=world.zone,
        data={},
        organisation=world.kaichuang,
        org_data={"credit_code": new_code()},
    )
    client = login(world.unit)
    page = client.get("/enterprises/requests/new/").content.decode()
    assert own.name in page and things.firm.name not in page
    data = {
        "enterprise": own.pk,
        "category": "talent",
        "description": "招聘技工",
        "department": world.econ_dept.pk,
        "received_on": "2026-03-02",
        "time_limit_days": 5,
    }
    assert client.post("/enterprises/requests/new/", data).status_code == 302
    item = ServiceRequest.objects.get(enterprise=own)
    assert item.created_by == world.unit
    # Another firm cannot be chosen; a unit user without an enterprise file cannot open the page.
    assert (
        client.post("/enterprises/requests/new/", data | {"enterprise": things.firm.pk}).status_code
        == 200
    )
    assert login(world.other_unit).get("/enterprises/requests/new/").status_code == 403
    services.service_request_reply(
        item=item, by=world.econ, reply="已对接职业院校", close=False, expected_version=1
    )
    assert (
        client.post(
            f"/enterprises/requests/{item.pk}/", {"action": "rate", "satisfaction": 4}
        ).status_code
        == 302
    )
    assert ServiceRequest.objects.get(pk=item.pk).satisfaction == 4
    assert (
        client.post(f"/enterprises/requests/{item.pk}/", {"version": 3, "reply": "x"}).status_code
        == 403
    )


def test_the_register_exports_what_is_on_screen_and_is_audited(world, things):
    import io

    import openpyxl

    response = login(world.econ).get("/enterprises/export/", {"tier": "tech_sme"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert things.firm.name in flat and things.firm.organisation.credit_code in flat
    assert things.other_firm.name not in flat
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("id")
    assert "企业名录（1行）" in event.note and "已认定" in event.note
    assert login(world.auditor).get("/enterprises/export/").status_code == 403


def test_junk_in_the_query_string_is_not_a_500(world, things):
    client = login(world.leader)
    for url in [
        "/enterprises/certificates/expiring/?days=九十",
        "/enterprises/funnel/?zone=abc",
        "/enterprises/?page=x&tier=nope&grade=Z",
        "/enterprises/requests/?status=bogus&page=-1",
        f"/enterprises/mu/{things.evaluation.pk}/?grade=Q&page=abc",
    ]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/enterprises/{things.firm.pk}/edit/",
        {
            "version": "x",
            "name": things.firm.name,
            "credit_code": things.firm.organisation.credit_code,
        },
    )
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()


def test_a_city_viewer_over_two_zones_sees_which_zone_each_firm_is_in(world, things):
    world.viewer.viewer_zones.set([world.zone, world.other_zone])
    page = login(world.viewer).get("/enterprises/").content.decode()
    assert "<th>开发区</th>" in page and things.other_firm.name in page and "屯留经开区" in page
