"""Investment personas on top of the shared `world`: 钱投促 (invest) is in 第一招商小分队 of
投资合作促进部; 孙招商 (invest2) is in the same department's 第二招商小分队; 赵经发 (econ) is staff
of another department and in no team. A chain 新能源电池 with a weak upstream node and a target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from zonedesk.accounts.models import Role, User
from zonedesk.investment import services
from zonedesk.investment.models import (
    Chain,
    ChainNode,
    Link,
    Source,
    TargetEnterprise,
    Team,
    TeamTarget,
)


@pytest.fixture
def inv(world):
    w = world
    w.invest2 = User.objects.create_user(
        username="invest2",
        password=PASSWORD,
        role=Role.STAFF,
        zone=w.zone,
        department=w.invest_dept,
        display_name="孙招商",
    )
    w.team = Team.objects.create(
        zone=w.zone, name="第一招商小分队", department=w.invest_dept, leader=w.deputy
    )
    w.team.members.set([w.invest])
    w.team2 = Team.objects.create(zone=w.zone, name="第二招商小分队", department=w.invest_dept)
    w.team2.members.set([w.invest2])
    TeamTarget.objects.create(
        team=w.team,
        year=2026,
        signed_count=10,
        signed_amount=Decimal("200000"),
        funds_amount=Decimal("50000"),
    )
    w.chain = Chain.objects.create(zone=w.zone, name="新能源电池", goal="百亿级新能源电池产业集群")
    w.node = ChainNode.objects.create(
        chain=w.chain,
        link=Link.UPSTREAM,
        name="正极材料",
        is_weak=True,
        weak_reason="本区无正极材料企业，电芯所需材料全部外购",
    )
    w.cell = ChainNode.objects.create(chain=w.chain, link=Link.MIDSTREAM, name="电芯制造")
    w.target = TargetEnterprise.objects.create(
        node=w.node, name="湖南长远锂科股份有限公司", location="湖南长沙", reason="正极材料龙头"
    )
    w.other_chain = Chain.objects.create(zone=w.other_zone, name="固废利用")
    return w


def make_lead(w, name="储能电池PACK项目", investor="江苏某某储能科技有限公司", *, by=None, **extra):
    by = by or w.invest
    data = {
        "name": name,
        "investor_name": investor,
        "source": Source.FAIR,
        "team": w.team if by == w.invest else extra.pop("team", None),
        "owner": by,
        "contact_name": "王建国",
        "contact_phone": "13812345678",
        "intended_investment": Decimal("50000"),
    }
    data.update(extra)
    confirm = data.pop("confirm_duplicate", False)
    return services.lead_create(by=by, zone=w.zone, data=data, confirm_duplicate=confirm)


def sign(w, lead, *, on=dt.date(2026, 3, 1), amount=Decimal("80000"), by=None, **commitments):
    return services.lead_sign(
        lead=lead,
        by=by or w.invest,
        expected_version=None,
        signed_date=on,
        contract_amount=amount,
        **commitments,
    )
