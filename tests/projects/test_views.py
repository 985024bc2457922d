"""The register's pages: list, filters, totals, forms, conflicts, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login, make_project
from zonedesk.projects.models import MilestoneEvidence, Project, Stage


def test_the_list_filters_searches_and_totals(world):
    make_project(
        world.zone,
        "钙基材料项目",
        department=world.econ_dept,
        code="YQ-003",
        stage=Stage.PREPARATION,
        total=Decimal("12000.5"),
        annual_plan_investment=Decimal(0),
        actual_start=None,
    )
    client = login(world.econ)
    response = client.get(reverse("projects:list"), {"stage": "construction"})
    assert {p.name for p in response.context["page"]} == {"智算中心项目", "储能电池项目"}
    totals = response.context["totals"]
    assert (totals.count, totals.total_investment) == (2, Decimal("100000"))
    assert "10.00" in response.content.decode()  # 100000万元 = 10.00亿元 in the totals row
    response = client.get(reverse("projects:list"), {"q": "钙基"})
    assert [p.name for p in response.context["page"]] == ["钙基材料项目"]
    response = client.get(reverse("projects:list"), {"department": world.invest_dept.pk})
    assert [p.name for p in response.context["page"]] == ["储能电池项目"]
    response = client.get(reverse("projects:list"), {"sort": "-total"})
    assert [p.name for p in response.context["page"]][-1] == "钙基材料项目"


def test_the_list_paginates_and_the_totals_cover_every_page(world):
    for i in range(40):
        make_project(
            world.zone,
            f"批量项目{i}",
            department=world.econ_dept,
            code=f"B-{i:03d}",
            total=Decimal(100),
        )
    response = login(world.leader).get(reverse("projects:list"))
    assert len(response.context["page"]) == 30
    assert response.context["totals"].count == 42


def test_the_list_query_count_does_not_grow_with_rows(world):
    client = login(world.leader)
    client.get(reverse("projects:list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("projects:list"))
    for i in range(25):
        make_project(
            world.zone,
            f"批量项目{i}",
            department=world.econ_dept,
            code=f"B-{i:03d}",
            unit=world.luda,
            lead=world.leader,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("projects:list"))
    assert len(many) == len(few)


def test_the_detail_query_count_does_not_grow_with_milestones_or_history(world):
    client = login(world.econ)
    url = reverse("projects:detail", args=[world.project.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        client.post(
            reverse("projects:milestone_add", args=[world.project.pk]),
            {"new-name": f"节点{i}", "new-planned_date": "2026-06-01"},
        )
    uploaders = [world.econ, world.unit, world.leader]
    for i, m in enumerate(world.project.milestones.all()):  # 印证资料 and who uploaded them
        MilestoneEvidence.objects.create(milestone=m, file=f"e{i}.pdf", original_name=f"e{i}.pdf",
                                         content_type="application/pdf", size=1,
                                         uploaded_by=uploaders[i % 3])  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def form_data(w, **extra):
    data = {
        "name": "数字经济产业园",
        "code": "",
        "level": "city",
        "category": "industry",
        "nature": "new",
        "transformation": "",
        "total_investment": "1.2亿",
        "annual_plan_investment": "3,000万元",
        "department": w.econ_dept.pk,
        "implementing_unit": w.kaichuang.pk,
        "planned_start": "2026-05-01",
        "planned_completion": "2027-10-31",
        "stage": "preparation",
        "funding_self": "8000",
        "funding_bank_loan": "4000",
    }
    data.update(extra)
    return data


def test_the_create_form_reads_money_as_typed_and_plans_milestones(world):
    response = login(world.econ).post(
        reverse("projects:create"), form_data(world, plan_milestones="1")
    )
    project = Project.objects.get(name="数字经济产业园")
    assert response.status_code == 302 and response["Location"] == reverse(
        "projects:detail", args=[project.pk]
    )
    assert project.total_investment == Decimal("12000.00")
    assert project.annual_plan_investment == Decimal("3000.00")
    assert {(f.kind, f.amount) for f in project.funding.all()} == {
        ("self", Decimal("8000.00")),
        ("bank_loan", Decimal("4000.00")),
    }
    assert project.milestones.count() == 8
    assert project.milestones.order_by("-order").first().planned_date == dt.date(2027, 10, 31)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"name": ""}, "请填写项目名称。"),
        ({"total_investment": "待定"}, "无法识别的金额：“待定”"),
        ({"total_investment": "约1亿"}, "金额须为确数"),
        (
            {"planned_completion": "2026-01-01"},
            "计划竣工（2026-01-01）不能早于计划开工（2026-05-01）。",
        ),
        ({"stage": "started"}, "进入“新开工”阶段须先填写实际开工。"),
        ({"annual_plan_investment": "2亿"}, "年度计划投资不能大于总投资。"),
    ],
)
def test_bad_input_on_the_create_form_saves_nothing_and_says_why(world, extra, message):
    response = login(world.econ).post(reverse("projects:create"), form_data(world, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Project.objects.filter(name="数字经济产业园").exists()
    assert "本次未保存任何内容" in response.content.decode()


def test_a_staff_member_cannot_register_for_another_department(world):
    response = login(world.econ).post(
        reverse("projects:create"), form_data(world, department=world.invest_dept.pk)
    )
    assert response.status_code == 200
    assert not Project.objects.filter(name="数字经济产业园").exists()


def test_a_stale_edit_is_refused_with_what_changed(world):
    p = world.project
    leader, econ = login(world.leader), login(world.econ)
    data = {
        **form_data(world, name=p.name, code=p.code),
        "version": 1,
        "actual_start": "2025-03-15",
        "planned_start": "2025-03-01",
        "planned_completion": "2026-12-31",
        "total_investment": "60000",
    }
    assert leader.post(reverse("projects:edit", args=[p.pk]), data).status_code == 302
    response = econ.post(
        reverse("projects:edit", args=[p.pk]), {**data, "total_investment": "70000"}
    )
    body = response.content.decode()
    assert "已被他人修改，本次保存未生效" in body and "王主任" in body
    p.refresh_from_db()
    assert p.total_investment == Decimal("60000")


def test_the_detail_page_shows_the_change_history(world):
    client = login(world.econ)
    client.post(
        reverse("projects:stage", args=[world.project.pk]),
        {"stage": "completed", "date": "2026-10-01", "version": 1},
    )
    body = client.get(reverse("projects:detail", args=[world.project.pk])).content.decode()
    assert "阶段变更" in body and "<del>在建</del> → <ins>竣工</ins>" in body


def test_a_refused_stage_change_explains_itself(world):
    response = login(world.econ).post(
        reverse("projects:stage", args=[world.project.pk]), {"stage": "producing", "version": 1}
    )
    assert response.status_code == 400
    assert "进入“投产”阶段须先填写实际投产。" in response.content.decode()


def test_milestone_inline_edit_over_htmx(world):
    client = login(world.unit)
    url = reverse("projects:milestone_edit", args=[world.milestone.pk])
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert "保存节点" in form.content.decode()
    prefix = f"m{world.milestone.pk}"
    response = client.post(
        url,
        {
            f"{prefix}-name": "开工",
            f"{prefix}-planned_date": "2026-03-01",
            f"{prefix}-actual_date": "2026-03-03",
            f"{prefix}-version": 1,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "2026-03-03" in response.content.decode()
    world.milestone.refresh_from_db()
    assert world.milestone.actual_date == dt.date(2026, 3, 3)
    bad = client.post(
        url,
        {f"{prefix}-name": "开工", f"{prefix}-planned_date": "三月", f"{prefix}-version": 2},
        HTTP_HX_REQUEST="true",
    )
    assert "计划完成日期格式不正确" in bad.content.decode()
