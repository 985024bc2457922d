"""Shared personas and a small two-zone world.

Zone 阳泉 (A) has 经济发展部 and 投资合作促进部 and two implementing units; zone 屯留 (B) has one
department and one unit. Personas: 王主任 (leader), 李副主任 (deputy over 经济发展部), 赵经发
(经济发展部 clerk), 钱投促 (投资合作促进部 clerk), 孙开创 (unit 开创集团), 周路达 (unit 路达市政),
吴屯留 (clerk of zone B), 郑市里 (city viewer over A), 冯审计 (auditor), 陈管理 (admin).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from zonedesk.accounts.models import Role, User
from zonedesk.projects.defaults import install_default_templates
from zonedesk.projects.models import (
    Category,
    Milestone,
    MilestoneTemplate,
    MilestoneTemplateStep,
    Project,
    Stage,
)
from zonedesk.zones.models import Department, Organisation, Zone

PASSWORD = "Zonedesk@2026"


def pytest_configure(config):
    # Production hashes with PBKDF2 (a million rounds); tests create a dozen users per test.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class World:
    pass


@pytest.fixture
def world(db) -> World:
    w = World()
    # Transactional tests (the browser ones) flush migration data, so make sure it is there.
    install_default_templates(MilestoneTemplate, MilestoneTemplateStep)
    w.zone = Zone.objects.create(
        name="阳泉高新技术产业开发区",
        short_name="阳泉高新区",
        kind=Zone.Kind.PROVINCIAL,
        region_code="140300",
    )
    w.park = Zone.objects.create(
        name="高新区新能源产业园", kind=Zone.Kind.PARK, parent=w.zone, region_code="140300"
    )
    w.other_zone = Zone.objects.create(
        name="屯留经济技术开发区",
        short_name="屯留经开区",
        kind=Zone.Kind.PROVINCIAL,
        region_code="140405",
    )
    w.econ_dept = Department.objects.create(zone=w.zone, name="经济发展部")
    w.invest_dept = Department.objects.create(zone=w.zone, name="投资合作促进部")
    w.other_dept = Department.objects.create(zone=w.other_zone, name="经济发展部")
    w.kaichuang = Organisation.objects.create(
        zone=w.zone, name="开创集团", kind=Organisation.Kind.ZONE_COMPANY
    )
    w.luda = Organisation.objects.create(
        zone=w.zone, name="路达市政", kind=Organisation.Kind.ZONE_COMPANY
    )
    w.other_org = Organisation.objects.create(zone=w.other_zone, name="鼎恒能源")

    def user(username, role, **extra):
        return User.objects.create_user(
            username=username,
            password=PASSWORD,
            role=role,
            display_name=extra.pop("display", username),
            **extra,
        )

    w.leader = user("leader", Role.LEADER, zone=w.zone, display="王主任")
    w.deputy = user("deputy", Role.DEPUTY, zone=w.zone, display="李副主任")
    w.deputy.supervised_departments.set([w.econ_dept])
    w.econ = user("econ", Role.STAFF, zone=w.zone, department=w.econ_dept, display="赵经发")
    w.invest = user("invest", Role.STAFF, zone=w.zone, department=w.invest_dept, display="钱投促")
    w.unit = user("unit", Role.UNIT, zone=w.zone, organisation=w.kaichuang, display="孙开创")
    w.other_unit = user("luda", Role.UNIT, zone=w.zone, organisation=w.luda, display="周路达")
    w.other_staff = user(
        "tunliu", Role.STAFF, zone=w.other_zone, department=w.other_dept, display="吴屯留"
    )
    w.viewer = user("city", Role.VIEWER, display="郑市里")
    w.viewer.viewer_zones.set([w.zone])
    w.auditor = user("auditor", Role.AUDITOR, zone=w.zone, display="冯审计")
    w.admin = user("admin", Role.ADMIN, zone=w.zone, display="陈管理")

    w.project = make_project(
        w.zone,
        "智算中心项目",
        department=w.econ_dept,
        unit=w.kaichuang,
        code="YQ-001",
        lead=w.leader,
    )
    w.invest_project = make_project(
        w.zone, "储能电池项目", department=w.invest_dept, unit=w.luda, code="YQ-002"
    )
    w.other_project = make_project(
        w.other_zone, "飞轮储能项目", department=w.other_dept, unit=w.other_org, code="TL-001"
    )
    w.milestone = Milestone.objects.create(
        project=w.project, name="开工", order=1, planned_date=dt.date(2026, 3, 1)
    )
    return w


def make_project(
    zone,
    name,
    *,
    department,
    unit=None,
    code,
    stage=Stage.CONSTRUCTION,
    lead=None,
    total=Decimal("50000"),
    **extra,
) -> Project:
    defaults = {
        "planned_start": dt.date(2025, 3, 1),
        "actual_start": dt.date(2025, 3, 15),
        "planned_completion": dt.date(2026, 12, 31),
        "annual_plan_investment": Decimal("12000"),
    }
    defaults.update(extra)
    return Project.objects.create(
        zone=zone,
        name=name,
        code=code,
        department=department,
        implementing_unit=unit,
        owner=unit,
        category=Category.INDUSTRY,
        stage=stage,
        total_investment=total,
        lead_official=lead,
        **defaults,
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    return login
