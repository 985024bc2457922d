"""The pages of 招商引资: who may see and do what (every view), masked contacts, the click-through
from the funnel, and bounded query counts on the funnel and chain pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from tests.investment.conftest import make_lead, sign
from zonedesk.accounts.models import AuditEvent
from zonedesk.investment import services
from zonedesk.investment.models import (
    DuplicateFlag,
    FollowUp,
    FundingArrival,
    Lead,
    NodeMembership,
    TargetEnterprise,
)


@pytest.fixture
def setup(inv, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = inv
    w.lead = sign(w, make_lead(w), on=dt.date(2026, 3, 1))
    w.arrival = services.arrival_add(
        lead=w.lead,
        by=w.invest,
        date=dt.date(2026, 3, 5),
        amount=Decimal("3000"),
        kind="domestic_out",
        evidence=SimpleUploadedFile("回单.pdf", b"%PDF-1.4 voucher"),
    )
    w.membership = NodeMembership.objects.create(node=w.cell, organisation=w.kaichuang)
    w.flag = DuplicateFlag.objects.create(lead=w.lead, other=w.lead, reason="测试", score=1)
    return w


def read_urls(w):
    return [
        reverse("investment:leads"),
        reverse("investment:lead", args=[w.lead.pk]),
        reverse("investment:funnel"),
        reverse("investment:chains"),
        reverse("investment:chain", args=[w.chain.pk]),
        reverse("investment:teams"),
    ]


def write_posts(w):
    lead = w.lead.pk
    return [
        (reverse("investment:lead_edit", args=[lead]), {}),
        (reverse("investment:lead_stage", args=[lead]), {"stage": "registered", "version": 9}),
        (reverse("investment:lead_sign", args=[lead]), {}),
        (reverse("investment:followup_add", args=[lead]), {}),
        (reverse("investment:arrival_add", args=[lead]), {}),
        (reverse("investment:lead_convert", args=[lead]), {}),
        (reverse("investment:flag_settle", args=[w.flag.pk]), {"note": "x"}),
    ]


def chain_posts(w):
    return [
        (reverse("investment:chains"), {"name": "新链"}),
        (reverse("investment:chain_edit", args=[w.chain.pk]), {"chain-name": "改名"}),
        (reverse("investment:node_add", args=[w.chain.pk]), {}),
        (reverse("investment:node_edit", args=[w.node.pk]), {}),
        (reverse("investment:node_delete", args=[w.cell.pk]), {}),
        (reverse("investment:membership_add", args=[w.node.pk]), {}),
        (reverse("investment:membership_remove", args=[w.membership.pk]), {}),
        (reverse("investment:target_add", args=[w.node.pk]), {}),
        (reverse("investment:target_status", args=[w.target.pk]), {"status": "approached"}),
    ]


def test_units_auditors_and_admins_see_no_investment_page(setup):
    w = setup
    for user in (w.unit, w.auditor, w.admin):
        client = login(user)
        for url in read_urls(w) + [
            reverse("investment:lead_create"),
            reverse("investment:evidence", args=[w.arrival.pk]),
        ]:
            assert client.get(url).status_code == 403, (user, url)
    assert AuditEvent.objects.filter(action="denied", actor=w.unit).exists()


def test_another_zones_staff_is_refused_this_zones_records(setup):
    w = setup
    client = login(w.other_staff)
    for url in (
        reverse("investment:lead", args=[w.lead.pk]),
        reverse("investment:chain", args=[w.chain.pk]),
        reverse("investment:evidence", args=[w.arrival.pk]),
        reverse("investment:node_edit", args=[w.node.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url, data in write_posts(w) + chain_posts(w)[1:]:
        assert client.post(url, data).status_code == 403, url
    # Their own lists are empty of this zone's leads.
    assert w.lead.name not in client.get(reverse("investment:leads")).content.decode()


def test_a_city_viewer_reads_everything_and_writes_nothing(setup):
    w = setup
    client = login(w.viewer)
    for url in read_urls(w):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("investment:lead_create")).status_code == 403
    for url, data in (
        write_posts(w)
        + chain_posts(w)
        + [(reverse("investment:team_target", args=[w.team.pk]), {})]
    ):
        assert client.post(url, data).status_code == 403, url


def test_staff_outside_the_team_read_with_masked_contacts_and_cannot_change_the_lead(setup):
    w = setup
    for user in (w.econ, w.invest2):
        client = login(user)
        body = client.get(reverse("investment:lead", args=[w.lead.pk])).content.decode()
        assert "王**" in body and "138****5678" in body and "13812345678" not in body
        listing = client.get(reverse("investment:leads")).content.decode()
        assert "138****5678" in listing and "13812345678" not in listing
        assert client.get(reverse("investment:evidence", args=[w.arrival.pk])).status_code == 403
        for url, data in write_posts(w):
            assert client.post(url, data).status_code == 403, (user, url)


def test_the_team_and_the_leader_see_the_contacts_and_the_evidence(setup):
    w = setup
    for user in (w.invest, w.leader):
        client = login(user)
        body = client.get(reverse("investment:lead", args=[w.lead.pk])).content.decode()
        assert "13812345678" in body and "王建国" in body
        evidence = client.get(reverse("investment:evidence", args=[w.arrival.pk]))
        assert (
            evidence.status_code == 200
            and b"".join(evidence.streaming_content) == b"%PDF-1.4 voucher"
        )


def test_econ_staff_may_not_edit_the_chain_map_but_investment_staff_may(setup):
    w = setup
    econ = login(w.econ)
    for url, data in chain_posts(w):
        assert econ.post(url, data).status_code == 403, url
    assert econ.get(reverse("investment:lead_create")).status_code == 403
    invest2 = login(w.invest2)  # another team of the 招商 department: the map is the department's
    response = invest2.post(
        reverse("investment:target_add", args=[w.node.pk]),
        {"target-name": "容百科技", "target-location": "浙江宁波"},
    )
    assert response.status_code == 302 and TargetEnterprise.objects.filter(name="容百科技").exists()


def test_only_the_leader_sets_team_targets(setup):
    w = setup
    url = reverse("investment:team_target", args=[w.team.pk])
    data = {"year": 2026, "signed_count": 12, "signed_amount": "25亿", "funds_amount": "6亿"}
    for user in (w.invest, w.deputy, w.econ):
        assert login(user).post(url, data).status_code == 403
    assert login(w.leader).post(url, data).status_code == 302
    target = w.team.targets.get(year=2026)
    assert (target.signed_count, target.signed_amount, target.funds_amount) == (
        12,
        Decimal("250000"),
        Decimal("60000"),
    )


def test_registering_a_duplicate_shows_both_owners_before_saving(setup):
    w = setup
    client = login(w.invest2)
    data = {
        "name": "PACK二期",
        "investor_name": "江苏某某储能科技股份有限公司",
        "source": "agent",
        "team": w.team2.pk,
        "opened_on": "2026-03-01",
    }
    response = client.post(reverse("investment:lead_create"), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "疑似撞单" in body and "钱投促" in body and w.lead.code in body
    assert Lead.objects.count() == 1
    response = client.post(reverse("investment:lead_create"), data | {"confirm_duplicate": "on"})
    assert response.status_code == 302
    new = Lead.objects.get(name="PACK二期")
    assert DuplicateFlag.objects.filter(lead=new, other=w.lead).exists()
    # Both owners see the flag: on the earlier lead's page and in their list.
    page = login(w.invest).get(reverse("investment:lead", args=[w.lead.pk])).content.decode()
    assert "PACK二期" in page and "撞单提醒" in page


def test_the_form_reports_bad_input_in_chinese_without_a_500(setup):
    w = setup
    client = login(w.invest)
    response = client.post(
        reverse("investment:lead_create"),
        {"name": "", "investor_name": "x", "intended_investment": "很多", "source": "fair"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "这个字段是必填项" in body or "必填" in body
    response = client.post(
        reverse("investment:lead_sign", args=[make_lead(w, "新", "新公司").pk]),
        {"signed_date": "2026-03-01", "contract_amount": "0", "version": 1},
    )
    assert response.status_code == 400 and "合同投资额须大于0" in response.content.decode()


def test_the_whole_life_through_the_pages(setup):
    w = setup
    client = login(w.invest)
    response = client.get(reverse("investment:lead_create") + f"?target={w.target.pk}")
    assert "湖南长远锂科股份有限公司" in response.content.decode()
    response = client.post(
        reverse("investment:lead_create"),
        {
            "target": w.target.pk,
            "name": "正极材料项目",
            "investor_name": "湖南长远锂科股份有限公司",
            "source": "direct",
            "node": w.node.pk,
            "team": w.team.pk,
            "opened_on": "2026-02-01",
        },
    )
    lead = Lead.objects.get(name="正极材料项目")
    assert response.status_code == 302 and TargetEnterprise.objects.get(pk=w.target.pk).lead == lead
    for day in ("2026-02-10", "2026-03-02"):
        r = client.post(
            reverse("investment:followup_add", args=[lead.pk]),
            {"kind": "visit", "date": day, "participants": "钱投促", "outcome": "洽谈"},
        )
        assert r.status_code == 302
    assert FollowUp.objects.filter(lead=lead).count() == 2
    r = client.post(
        reverse("investment:lead_sign", args=[lead.pk]),
        {
            "signed_date": "2026-03-20",
            "contract_amount": "5亿",
            "committed_start": "2026-06-01",
            "version": Lead.objects.get(pk=lead.pk).version,
        },
    )
    assert r.status_code == 302
    r = client.post(
        reverse("investment:arrival_add", args=[lead.pk]),
        {"date": "2026-04-01", "amount": "8000", "kind": "domestic_out"},
    )
    assert r.status_code == 302 and FundingArrival.objects.filter(lead=lead).count() == 1
    r = client.post(
        reverse("investment:lead_convert", args=[lead.pk]),
        {"department": w.invest_dept.pk, "version": Lead.objects.get(pk=lead.pk).version},
    )
    assert r.status_code == 302
    lead.refresh_from_db()
    assert lead.project is not None and lead.project.total_investment == Decimal("50000")
    page = client.get(reverse("investment:lead", args=[lead.pk])).content.decode()
    assert lead.project.code in page


def test_staff_convert_only_into_their_own_department(setup):
    w = setup
    r = login(w.invest).post(
        reverse("investment:lead_convert", args=[w.lead.pk]),
        {"department": w.econ_dept.pk, "version": w.lead.version},
    )
    assert r.status_code == 400 and "本部门" in r.content.decode()


def test_a_funnel_number_clicks_through_to_the_leads_behind_it(setup):
    w = setup
    started = sign(w, make_lead(w, "已开工项目", "丙公司"), on=dt.date(2026, 2, 1))
    Lead.objects.filter(pk=started.pk).update(stage="started", started_date=dt.date(2026, 4, 1))
    client = login(w.leader)
    page = client.get(reverse("investment:funnel"), {"year": 2026}).content.decode()
    assert 'data-metric="started"' in page
    listing = client.get(
        reverse("investment:leads"), {"year": 2026, "metric": "started"}
    ).content.decode()
    assert "已开工项目" in listing and w.lead.name not in listing
    listing = client.get(
        reverse("investment:leads"), {"year": 2026, "metric": "signed"}
    ).content.decode()
    assert "已开工项目" in listing and w.lead.name in listing


def test_funnel_and_chain_pages_have_bounded_query_counts(setup, django_assert_max_num_queries):
    w = setup
    client = login(w.leader)
    client.get(reverse("investment:funnel"))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("investment:funnel"), {"year": 2026}).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("investment:chain", args=[w.chain.pk])).status_code == 200
    for i in range(20):
        lead = sign(
            w,
            make_lead(w, f"项目{i}", f"批量{i}号", node=w.cell, confirm_duplicate=True),
            on=dt.date(2026, 2, 1),
        )
        TargetEnterprise.objects.create(node=w.node, name=f"靶向{i}", lead=lead)
        NodeMembership.objects.create(node=w.node, organisation=w.luda) if i == 0 else None
    with django_assert_max_num_queries(25):
        assert client.get(reverse("investment:funnel"), {"year": 2026}).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("investment:chain", args=[w.chain.pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("investment:leads")).status_code == 200


def test_only_the_leader_creates_and_edits_teams(setup):
    w = setup
    create, edit = (
        reverse("investment:team_create"),
        reverse("investment:team_edit", args=[w.team.pk]),
    )
    for user in (w.invest, w.deputy, w.econ, w.viewer, w.unit, w.other_staff):
        client = login(user)
        assert client.get(create).status_code == 403, user
        assert client.post(edit, {"name": "x"}).status_code == 403, user
    client = login(w.leader)
    assert client.get(edit).status_code == 200
    response = client.post(
        create,
        {
            "name": "第三招商小分队",
            "department": w.invest_dept.pk,
            "members": [w.invest.pk, w.econ.pk],
            "focus": "数字经济",
        },
    )
    assert response.status_code == 302
    team = w.team.__class__.objects.get(name="第三招商小分队")
    assert set(team.members.all()) == {w.invest, w.econ}
    # econ is now in a team: the investment staff rule follows.
    response = client.post(create, {"name": "第三招商小分队"})
    assert response.status_code == 400 and "已有名为" in response.content.decode()
    assert AuditEvent.objects.filter(
        object_type="investment.team", note__contains="新建招商小分队"
    ).exists()


def test_events_list_the_leads_they_produced_and_staff_register_events(setup):
    w = setup
    client = login(w.invest)
    response = client.post(
        reverse("investment:teams"),
        {
            "kind": "fair",
            "name": "第八届进博会",
            "place": "上海",
            "start_date": "2025-11-05",
            "team": w.team.pk,
        },
    )
    assert response.status_code == 302
    from zonedesk.investment.models import Event

    event = Event.objects.get(name="第八届进博会")
    Lead.objects.filter(pk=w.lead.pk).update(event=event)
    page = client.get(reverse("investment:teams")).content.decode()
    assert "第八届进博会" in page and f"?event={event.pk}" in page
    listing = client.get(reverse("investment:leads"), {"event": event.pk}).content.decode()
    assert w.lead.name in listing
    assert (
        login(w.econ)
        .post(
            reverse("investment:teams"), {"kind": "fair", "name": "x", "start_date": "2025-11-05"}
        )
        .status_code
        == 403
    )
    bad = client.post(
        reverse("investment:teams"),
        {"kind": "fair", "name": "y", "start_date": "2025-11-05", "end_date": "2025-11-01"},
    )
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()


def test_the_project_page_tag_shows_the_lead_and_its_unmet_commitments(setup):
    from django.template import Context, Template

    w = setup
    lead = sign(
        w,
        make_lead(w, "承诺项目", "承诺公司"),
        on=dt.date(2026, 1, 5),
        committed_start=dt.date(2026, 2, 1),
    )
    project = services.lead_convert_to_project(lead=lead, by=w.invest, department=w.invest_dept)
    html = Template("{% load investment %}{% lead_for_project project %}").render(
        Context({"project": project})
    )
    assert lead.code in html and "签约承诺2026年2月1日开工，至今未开工" in html
    assert (
        Template("{% load investment %}{% lead_for_project project %}")
        .render(Context({"project": w.project}))
        .strip()
        == ""
    )


def test_evidence_must_be_a_voucher_file(setup):
    w = setup
    client = login(w.invest)
    url = reverse("investment:arrival_add", args=[w.lead.pk])
    data = {"date": "2026-03-06", "amount": "100", "kind": "in_province"}
    bad = client.post(url, data | {"evidence": SimpleUploadedFile("回单.exe", b"MZ...")})
    assert bad.status_code == 400 and "凭证应为" in bad.content.decode()
    fake = client.post(url, data | {"evidence": SimpleUploadedFile("回单.pdf", b"<html>")})
    assert fake.status_code == 400 and "不是PDF文件" in fake.content.decode()
    good = client.post(
        url, data | {"evidence": SimpleUploadedFile("回单.png", b"\x89PNG\r\n\x1a\n...")}
    )
    assert good.status_code == 302


def test_a_tampered_target_or_back_id_is_not_a_500(setup):
    w = setup
    client = login(w.invest)
    assert client.get(reverse("investment:lead_create") + "?target=abc").status_code == 200
    assert client.get(reverse("investment:lead_create") + "?target=999999").status_code == 404
    response = client.post(
        reverse("investment:flag_settle", args=[w.flag.pk]), {"note": "已协商", "back": "x"}
    )
    assert response.status_code == 302


def test_editing_a_lead_on_its_page_and_a_stale_form_conflicts(setup):
    w = setup
    client = login(w.invest)
    url = reverse("investment:lead_edit", args=[w.lead.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": w.lead.name, "opened_on": "2026-02-01", "investor_name": w.lead.investor_name,
        "source": "fair", "team": w.team.pk, "content": "年产2GWh储能PACK", "version": w.lead.version,
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert Lead.objects.get(pk=w.lead.pk).content == "年产2GWh储能PACK"
    stale = client.post(url, data | {"content": "改动"})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    assert login(w.econ).get(url).status_code == 403


def test_a_chain_is_renamed_with_its_history_and_a_stale_form_conflicts(setup):
    w = setup
    client = login(w.invest)
    url = reverse("investment:chain_edit", args=[w.chain.pk])
    data = {"chain-name": "新能源电池（储能）", "chain-goal": "百亿级", "version": w.chain.version}
    assert client.post(url, data).status_code == 302
    w.chain.refresh_from_db()
    assert (w.chain.name, w.chain.version) == ("新能源电池（储能）", 2)
    stale = client.post(url, data | {"chain-name": "别的名字", "version": 1})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()


def test_project_page_shows_the_lead_it_came_from(setup):
    w = setup
    lead = sign(
        w,
        make_lead(w, "转入项目", "转入公司"),
        on=dt.date(2026, 1, 5),
        committed_start=dt.date(2026, 2, 1),
    )
    project = services.lead_convert_to_project(lead=lead, by=w.invest, department=w.invest_dept)
    page = login(w.invest).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="investment-lead"' in page and lead.code in page
    assert "签约承诺2026年2月1日开工，至今未开工" in page
    other = login(w.invest).get(reverse("projects:detail", args=[w.project.pk])).content.decode()
    assert 'id="investment-lead"' not in other


def test_the_lead_list_exports_with_its_filters_and_masked_contacts(setup):
    import io

    import openpyxl

    w = setup
    make_lead(w, '=HYPERLINK("x") 导出项目', "导出公司")
    url = reverse("investment:leads")

    def rows(user, **params):
        response = login(user).get(url, {"format": "xlsx", **params})
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [c.value for c in sheet[3]]
        return [
            dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=4)
        ]

    mine = {r["项目名称"]: r for r in rows(w.invest)}
    row = mine['=HYPERLINK("x") 导出项目']  # stays text, never a formula
    assert (row["联系人"], row["联系电话"], row["意向投资额（万元）"]) == (
        "王建国",
        "13812345678",
        50000,
    )
    # Outside the team the contacts are masked, as on the page.
    theirs = {r["项目名称"]: r for r in rows(w.econ)}
    assert theirs['=HYPERLINK("x") 导出项目']["联系电话"] == "138****5678"
    assert [r["项目名称"] for r in rows(w.invest, q="导出")] == ['=HYPERLINK("x") 导出项目']
    assert login(w.unit).get(url, {"format": "xlsx"}).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 3
