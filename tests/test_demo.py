"""The demo world: the seed page's zones and projects, every role able to log in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from zonedesk import access
from zonedesk.accounts.models import Role, User
from zonedesk.demo import PASSWORD, build_demo, generate
from zonedesk.lib.uscc import validate_uscc
from zonedesk.projects.models import Milestone, Project, Stage
from zonedesk.zones.models import Organisation, Zone


@pytest.fixture
def demo(db):
    return build_demo()


def test_the_demo_zone_has_about_sixty_projects_in_every_stage(demo):
    yq = Zone.objects.get(short_name="阳泉高新区")
    projects = Project.objects.filter(zone=yq)
    assert projects.count() == 60
    stages = set(projects.values_list("stage", flat=True))
    assert set(Stage.values) - stages <= {Stage.TERMINATED}
    assert Milestone.objects.filter(project__zone=yq).count() > 300


def test_the_seed_pages_projects_carry_their_real_figures(demo):
    dadi = Project.objects.get(name="大地控股科技产业园项目")
    assert dadi.total_investment == Decimal(142800) and dadi.floor_area_m2 == Decimal(160000)
    assert dadi.zone.short_name == "综改示范区" and dadi.park.name == "学府总部经济园区"
    topped = dadi.milestones.get(name="主体封顶")
    assert str(topped.actual_date) == "2026-01-26"
    assert Project.objects.get(name="30MW飞轮储能项目").stage == Stage.PRODUCING
    assert (
        Zone.objects.filter(short_name__in=["神池示范区", "屯留经开区", "综改示范区"]).count() == 3
    )


def test_every_demo_project_passes_the_registers_own_rules(demo):
    from zonedesk.projects.services import validate_project

    for project in Project.objects.select_related(
        "department", "park", "owner", "implementing_unit", "lead_official"
    ):
        validate_project(project)


def test_every_credit_code_is_valid(demo):
    codes = list(Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    assert len(codes) == Organisation.objects.count()
    for code in codes:
        assert validate_uscc(code) == code


@pytest.mark.parametrize(
    "username", ["admin", "leader", "deputy", "invest", "econ", "unit", "city", "auditor"]
)
def test_every_demo_user_logs_in_with_the_demo_password(demo, username):
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    assert client.get("/", follow=True).status_code == 200


def test_the_demo_users_scopes(demo):
    users = {u.username: u for u in User.objects.filter(username__in=["unit", "city", "econ"])}
    assert (
        users["city"].role == Role.VIEWER
        and len(access.zone_ids_in_scope(users["city"])) == Zone.objects.count()
    )
    own = access.projects_for(users["unit"])
    assert own.exists() and own.count() < access.projects_for(users["econ"]).count()


def test_demo_refuses_a_database_that_has_data_unless_asked_to_skip(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo")
    call_command("demo", "--if-empty")  # prints the logins and leaves the data alone
    assert Project.objects.filter(name="大地控股科技产业园项目").count() == 1


def test_the_generator_is_deterministic(db):
    generate(zones=2, projects_per_zone=20, seed=5)
    first = list(Project.objects.order_by("code").values_list("name", "total_investment", "stage"))
    Milestone.objects.all().delete()
    Project.objects.all().delete()
    Organisation.objects.all().delete()
    User.objects.all().delete()
    from zonedesk.zones.models import Department

    Department.objects.all().delete()
    Zone.objects.all().delete()
    generate(zones=2, projects_per_zone=20, seed=5)
    second = list(Project.objects.order_by("code").values_list("name", "total_investment", "stage"))
    assert [r[1:] for r in first] == [r[1:] for r in second] and len(first) == 40


def test_the_demo_compares_us_with_two_peer_zones_from_the_seed_page(demo):
    from zonedesk.peers.models import Figure, PeerZone

    assert set(PeerZone.objects.values_list("name", flat=True)) == {"屯留经开区", "神池示范区"}
    signed = Figure.objects.get(peer__name="屯留经开区", measure="新签约项目总投资")
    assert (signed.value, signed.unit, signed.fact_text) == (976300, "万元", "97.63亿元")
    assert "2025年，屯留经开区新签约项目41个" in signed.sentence
    assert Figure.objects.filter(peer__isnull=True, measure="新签约项目").exists()
