"""Demo data of 招商引资, drawn from the seed page (../shared/seeds/):

- 阳泉高新区: the 百亿级新能源电池 and 50亿级数字经济 clusters (算智底座、数字智造、数字应用) and the
  泵阀/煤机 equipment chain, with weak links, target firms, three teams with annual targets, leads at
  every stage, and the seed project 新能源电池产业园正极材料项目 as a converted lead.
- 屯留经开区: the 招商图谱 of 装备制造、固废利用、生物医药, three 专业化招商小分队, trips to 北京、
  天津、江苏、广东、四川、湖南、重庆 and the 进博会/厦洽会, more than a hundred leads, and its 2025
  results exactly: 41 projects signed for 97.63亿元, 19 of them started (30.12亿元), and 31
  projects reaching production in 2025 (signed in earlier years).

Target firms and investors are invented names; only the zones' own enterprises are from the page.
Called once from zonedesk.demo.build_demo.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from zonedesk.accounts.models import Role, User
from zonedesk.projects.models import Project
from zonedesk.zones.models import Department, Organisation, Zone

from .models import (
    Chain,
    ChainNode,
    Event,
    FollowUp,
    FundingArrival,
    Lead,
    LeadStage,
    Link,
    NodeMembership,
    Source,
    TargetEnterprise,
    Team,
    TeamTarget,
)
from .names import company_key

U, M, D = Link.UPSTREAM, Link.MIDSTREAM, Link.DOWNSTREAM

# chain → (goal, [(link, node, weak reason or "", [(target, location, why)])])
YANGQUAN_CHAINS = {
    "新能源电池": (
        "百亿级新能源电池产业集群：产业闭环—韧性提升—规模壮大—前瞻布局",
        [
            (
                U,
                "正极材料",
                "本区无正极材料企业，电芯所需正极全部外购，运距长、成本高",
                [
                    (
                        "湖南湘锂新材料股份有限公司",
                        "湖南长沙",
                        "三元及磷酸铁锂正极产能扩张，寻找北方基地",
                    ),
                    ("宁波甬能正极材料有限公司", "浙江宁波", "高镍正极龙头，配套电芯客户北上"),
                ],
            ),
            (
                U,
                "负极材料",
                "",
                [("内蒙古碳源新材料有限公司", "内蒙古包头", "石墨化产能，可利用本地电价优势")],
            ),
            (
                U,
                "电解液",
                "电解液及锂盐无本地配套",
                [
                    ("广州天润电解液科技有限公司", "广东广州", "电解液头部企业，计划布局华北"),
                ],
            ),
            (
                U,
                "隔膜",
                "隔膜完全依赖外省供应",
                [("深圳星膜科技股份有限公司", "广东深圳", "湿法隔膜，拟建华北生产基地")],
            ),
            (
                M,
                "电芯制造",
                "",
                [("江苏储芯能源科技有限公司", "江苏常州", "储能电芯扩产，看重本地新能源消纳")],
            ),
            (M, "电池管理系统", "", []),
            (
                M,
                "PACK集成",
                "",
                [("安徽合储电池系统有限公司", "安徽合肥", "储能PACK，配套本地电芯")],
            ),
            (
                D,
                "储能系统集成",
                "",
                [("北京源网储能科技有限公司", "北京", "源网荷储一体化项目经验")],
            ),
            (
                D,
                "新能源汽车及换电",
                "",
                [("重庆换电出行科技有限公司", "重庆", "重卡换电站运营，服务煤炭运输")],
            ),
            (
                D,
                "电池回收利用",
                "退役电池回收处于空白，产业闭环缺最后一环",
                [
                    ("佛山循环再生资源有限公司", "广东佛山", "动力电池回收与梯次利用"),
                ],
            ),
        ],
    ),
    "数字经济": (
        "50亿级数字经济产业集群：算智底座、数字智造、数字应用",
        [
            (
                U,
                "智算中心",
                "",
                [("北京算力云科技有限公司", "北京", "智算集群运营，寻求低电价园区")],
            ),
            (U, "数据中心", "", []),
            (
                U,
                "高质量数据集",
                "数据要素市场化配置刚起步，缺数据服务商",
                [
                    ("上海数元数据科技有限公司", "上海", "行业数据集标注与交易服务"),
                ],
            ),
            (
                M,
                "工业互联网平台",
                "",
                [("杭州智工互联科技有限公司", "浙江杭州", "煤机、泵阀行业工业互联网平台")],
            ),
            (M, "智能装备", "", []),
            (D, "智慧城市应用", "", [("深圳城智科技有限公司", "广东深圳", "城市生命线安全工程")]),
            (
                D,
                "数字消费",
                "数字消费场景少",
                [("成都数享网络科技有限公司", "四川成都", "直播电商基地运营")],
            ),
        ],
    ),
    "泵阀装备": (
        "泵阀、煤机传统优势产业赋能焕新",
        [
            (U, "铸锻件", "", []),
            (
                U,
                "密封件",
                "高端密封件依赖进口",
                [("天津精封密封技术有限公司", "天津", "机械密封，配套本地泵阀")],
            ),
            (M, "泵阀整机", "", []),
            (M, "煤机装备", "", []),
            (D, "检测与服务", "", [("江苏检安检测技术有限公司", "江苏无锡", "泵阀第三方检测")]),
            (D, "智慧水务", "", []),
        ],
    ),
}

TUNLIU_CHAINS = {
    "装备制造": (
        "《屯留经开区产业链（招商图谱）研究报告》重点产业：装备制造",
        [
            (U, "基础零部件", "", [("河北冀锻精密零部件有限公司", "河北沧州", "锻件配套")]),
            (M, "储能装备", "", []),
            (
                M,
                "低空飞行器制造",
                "低空经济刚起步，依托院士专家工作站补链",
                [
                    ("南京翼航无人机科技有限公司", "江苏南京", "工业无人机整机"),
                ],
            ),
            (D, "运维服务", "", []),
        ],
    ),
    "固废利用": (
        "工业大宗固废高值化利用",
        [
            (U, "煤基固废收集", "", []),
            (M, "固废高值化材料", "", [("北京清源固废科技有限公司", "北京", "粉煤灰高值化")]),
            (
                D,
                "新型建材",
                "新型建材应用端企业少",
                [("天津绿建新材料有限公司", "天津", "固废基新型建材")],
            ),
        ],
    ),
    "生物医药": (
        "生物医药：依托太行药业和博士创新站",
        [
            (U, "原料药", "", []),
            (M, "中成药制剂", "", []),
            (D, "医药流通", "冷链医药物流缺位", [("湖南湘医物流有限公司", "湖南长沙", "医药冷链")]),
        ],
    ),
}

REGIONS = [
    "江苏",
    "广东",
    "北京",
    "天津",
    "浙江",
    "上海",
    "四川",
    "湖南",
    "重庆",
    "山东",
    "河南",
    "山西",
    "香港",
]
WORDS = ["华创", "中科", "新源", "博远", "瑞能", "恒信", "东方", "金石", "汇智", "天合", "启航", "宏泰", "德润", "联创", "智远", "同力"]  # fmt: skip
TRADES = [
    "储能科技",
    "新材料",
    "智能装备",
    "数据科技",
    "新能源",
    "环保科技",
    "医药科技",
    "精密机械",
    "电子科技",
]
CONTACTS = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
ORIGIN_KIND = {"山西": "in_province", "香港": "foreign"}


def _investor(rng: random.Random, used: set[str]) -> tuple[str, str]:
    while True:
        region = rng.choice(REGIONS)
        name = f"{region}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司"
        if company_key(name) not in used:
            used.add(company_key(name))
            return name, region


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` positive amounts (万元) summing exactly to `total`, unevenly like real deals."""
    weights = [rng.uniform(0.3, 3.0) for _ in range(parts)]
    scale = total / sum(weights)
    amounts = [max(500, int(w * scale / 100) * 100) for w in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def _chains(zone: Zone, spec: dict) -> dict[str, ChainNode]:
    nodes: dict[str, ChainNode] = {}
    for order, (name, (goal, rows)) in enumerate(spec.items(), start=1):
        chain = Chain.objects.create(zone=zone, name=name, goal=goal, sort_order=order)
        for i, (link, node_name, weak, targets) in enumerate(rows, start=1):
            node = ChainNode.objects.create(
                chain=chain,
                link=link,
                name=node_name,
                is_weak=bool(weak),
                weak_reason=weak,
                sort_order=i,
            )
            nodes[node_name] = node
            TargetEnterprise.objects.bulk_create(
                TargetEnterprise(node=node, name=t, location=loc, reason=why)
                for t, loc, why in targets
            )
    return nodes


def _members(nodes: dict[str, ChainNode], placement: dict[str, list[Organisation]], rng) -> None:
    rows = []
    for node_name, orgs in placement.items():
        for i, org in enumerate(orgs):
            output = Decimal(rng.randint(20, 400) * 100)
            rows.append(
                NodeMembership(
                    node=nodes[node_name],
                    organisation=org,
                    output=output,
                    tax=(output * Decimal(rng.randint(3, 8)) / 100).quantize(Decimal("1")),
                    above_scale=output >= 2000,
                    is_chain_leader=i == 0 and output >= 20000,
                )
            )
    NodeMembership.objects.bulk_create(rows)


def _staff(zone: Zone, dept: Department, names: list[str], prefix: str) -> list[User]:
    users = []
    for i, name in enumerate(names, start=1):
        users.append(
            User.objects.create_user(
                username=f"{prefix}-{i}",
                password=None,
                display_name=name,
                role=Role.STAFF,
                zone=zone,
                department=dept,
                is_active=False,  # colleagues who own leads; only `invest` signs in
            )
        )
    return users


class _Builder:
    """Collects leads and their children, then inserts them in bulk."""

    def __init__(self, zone: Zone, rng: random.Random, today: dt.date):
        self.zone, self.rng, self.today = zone, rng, today
        self.leads: list[Lead] = []
        self.followups: list[tuple[int, FollowUp]] = []
        self.arrivals: list[tuple[int, FundingArrival]] = []
        self.used: set[str] = set()
        self.serial: dict[int, int] = {}

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        end = min(end, self.today)
        if end <= start:
            return min(start, self.today)
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def add(
        self,
        *,
        team: Team,
        owner: User,
        stage: str,
        opened: dt.date,
        amount: int,
        node: ChainNode | None = None,
        name: str | None = None,
        investor: tuple[str, str] | None = None,
        signed: dt.date | None = None,
        started: dt.date | None = None,
        producing: dt.date | None = None,
        source: str | None = None,
        event: Event | None = None,
        project: Project | None = None,
    ) -> Lead:
        rng = self.rng
        investor_name, region = investor or _investor(rng, self.used)
        self.used.add(company_key(investor_name))
        self.serial[opened.year] = self.serial.get(opened.year, 0) + 1
        content_node = node.name if node else rng.choice(TRADES)
        lead = Lead(
            zone=self.zone,
            code=f"ZS-{opened.year}-{self.serial[opened.year]:04d}",
            name=name or f"{investor_name.replace('有限公司', '')[2:]}{content_node}项目",
            opened_on=opened,
            investor_name=investor_name,
            investor_key=company_key(investor_name),
            investor_origin=region,
            content=f"拟投资建设{content_node}生产线及配套设施",
            node=node,
            intended_investment=Decimal(amount),
            land_need_mu=Decimal(rng.randint(20, 300)),
            source=source or rng.choice(Source.values),
            event=event,
            team=team,
            owner=owner,
            created_by=owner,
            contact_name=rng.choice(CONTACTS) + rng.choice(["总", "经理", "董事长"]),
            contact_title=rng.choice(["总经理", "投资总监", "副总裁"]),
            contact_phone=f"1{rng.choice([3, 5, 8])}{rng.randint(100000000, 999999999)}",
            stage=stage,
            project=project,
        )
        if stage == LeadStage.TERMINATED:
            lead.terminated_from = rng.choice([LeadStage.CONTACT, LeadStage.NEGOTIATING])
            lead.termination_reason = rng.choice(
                ["企业投资计划调整", "选址另有他处", "用地指标无法满足"]
            )
        if signed:
            lead.signed_date = signed
            lead.contract_amount = Decimal(amount)
            lead.committed_registration = signed + dt.timedelta(days=60)
            lead.committed_start = signed + dt.timedelta(days=rng.choice([90, 120, 180]))
            lead.committed_production = lead.committed_start + dt.timedelta(
                days=rng.choice([300, 365, 540])
            )
            if stage in (LeadStage.REGISTERED, LeadStage.STARTED, LeadStage.PRODUCING):
                lead.registered_date = self.day(
                    signed + dt.timedelta(days=20), signed + dt.timedelta(days=75)
                )
            lead.started_date = started
            lead.producing_date = producing
        self.leads.append(lead)
        index = len(self.leads) - 1
        for _ in range(rng.randint(1, 3) if stage != LeadStage.LEAD else 0):
            date = self.day(opened, signed or self.today)
            self.followups.append(
                (
                    index,
                    FollowUp(
                        kind=rng.choice(FollowUp.Kind.values),
                        date=date,
                        place=region,
                        participants=f"{owner.name}、{team.leader.name if team.leader else '小分队成员'}",
                        outcome=rng.choice(
                            [
                                "介绍园区政策和要素保障，企业表示有意向",
                                "企业来区实地考察地块",
                                "就用地、用电价格深入洽谈",
                                "双方就投资协议条款达成一致",
                            ]
                        ),
                        next_step=rng.choice(
                            ["邀请企业高层来区考察", "提供用地方案", "起草投资协议", ""]
                        ),
                        created_by=owner,
                    ),
                )
            )
        if signed and stage != LeadStage.TERMINATED:
            share = {
                LeadStage.SIGNED: 0.05,
                LeadStage.REGISTERED: 0.15,
                LeadStage.STARTED: 0.35,
                LeadStage.PRODUCING: 0.7,
            }[stage]
            paid = int(amount * share * rng.uniform(0.6, 1.2))
            for part in (paid // 2, paid - paid // 2):
                if part > 0:
                    self.arrivals.append(
                        (
                            index,
                            FundingArrival(
                                date=self.day(signed, started or producing or self.today),
                                amount=Decimal(part),
                                kind=ORIGIN_KIND.get(region, "domestic_out"),
                                note="银行进账单",
                                created_by=owner,
                            ),
                        )
                    )
        return lead

    def save(self) -> None:
        Lead.objects.bulk_create(self.leads)
        followups, arrivals = [], []
        for index, f in self.followups:
            f.lead = self.leads[index]
            followups.append(f)
        for index, a in self.arrivals:
            a.lead = self.leads[index]
            arrivals.append(a)
        FollowUp.objects.bulk_create(followups)
        FundingArrival.objects.bulk_create(arrivals)


def _yangquan(zone: Zone, users: dict[str, User], rng: random.Random, today: dt.date) -> None:
    dept = Department.objects.get(zone=zone, name="投资合作促进部")
    invest, deputy, leader = users["invest"], users["deputy"], users["leader"]
    colleagues = _staff(zone, dept, ["吴招商", "郑招商", "冯招商"], "yq-zs")
    teams = [
        (
            "第一招商小分队（新能源电池）",
            deputy,
            [invest, colleagues[0]],
            "电池材料、储能",
            (15, 600000, 150000),
        ),
        (
            "第二招商小分队（数字经济）",
            leader,
            [colleagues[1]],
            "算力、数据要素",
            (10, 300000, 80000),
        ),
        (
            "第三招商小分队（装备制造）",
            deputy,
            [colleagues[2]],
            "泵阀、煤机配套",
            (8, 150000, 40000),
        ),
    ]
    team_objs = []
    for name, lead_by, members, focus, (count, amount, funds) in teams:
        team = Team.objects.create(
            zone=zone, name=name, department=dept, leader=lead_by, focus=focus
        )
        team.members.set(members)
        for year, factor in ((today.year, 1), (today.year - 1, Decimal("0.8"))):
            TeamTarget.objects.create(
                team=team,
                year=year,
                signed_count=int(count * factor),
                signed_amount=Decimal(amount) * factor,
                funds_amount=Decimal(funds) * factor,
            )
        team_objs.append((team, [*members]))
    orgs = list(Organisation.objects.filter(zone=zone).order_by("id"))
    nodes = _chains(zone, YANGQUAN_CHAINS)
    by_word = lambda word: [o for o in orgs if word in o.name]  # noqa: E731
    _members(
        nodes,
        {
            "电芯制造": by_word("电池")[:3],
            "负极材料": by_word("新材料")[:2],
            "数据中心": by_word("数据科技")[:2] + by_word("开创投资")[:1],
            "智算中心": by_word("开创投资")[:1],
            "智能装备": by_word("智能科技")[:2],
            "泵阀整机": by_word("泵业")[:3],
            "煤机装备": by_word("装备制造")[:2],
            "铸锻件": by_word("耐材")[:1],
        },
        rng,
    )
    y = today.year
    events = [
        Event.objects.create(zone=zone, team=team_objs[0][0], kind=Event.Kind.FAIR, name=f"第{y - 2018}届中国国际进口博览会", place="上海", start_date=dt.date(y - 1, 11, 5), end_date=dt.date(y - 1, 11, 10)),
        Event.objects.create(zone=zone, team=team_objs[0][0], kind=Event.Kind.TRIP, name="赴江苏常州新能源电池专题招商", place="江苏常州", start_date=min(dt.date(y, 3, 12), today)),
        Event.objects.create(zone=zone, team=team_objs[1][0], kind=Event.Kind.MEETING, name="数字经济产业推介会（北京）", place="北京", start_date=min(dt.date(y, 4, 18), today)),
        Event.objects.create(zone=zone, team=team_objs[2][0], kind=Event.Kind.FAIR, name=f"第{y - 2001}届中国国际投资贸易洽谈会（厦洽会）", place="福建厦门", start_date=dt.date(y - 1, 9, 8)),
    ]  # fmt: skip
    b = _Builder(zone, rng, today)
    chain_nodes = {
        team_objs[0][0].pk: [n for n in nodes.values() if n.chain.name == "新能源电池"],
        team_objs[1][0].pk: [n for n in nodes.values() if n.chain.name == "数字经济"],
        team_objs[2][0].pk: [n for n in nodes.values() if n.chain.name == "泵阀装备"],
    }
    # The seed project 新能源电池产业园正极材料项目 came from a lead of team 1.
    seed = Project.objects.filter(zone=zone, name="新能源电池产业园正极材料项目").first()
    if seed is not None and seed.actual_start:
        signed = seed.signed_date or (seed.actual_start - dt.timedelta(days=90))
        target = TargetEnterprise.objects.filter(node=nodes["正极材料"]).first()
        lead = b.add(
            team=team_objs[0][0], owner=invest, stage=LeadStage.STARTED, opened=signed - dt.timedelta(days=150),
            amount=int(seed.total_investment), node=nodes["正极材料"], name=seed.name,
            investor=(target.name, "湖南") if target else None, signed=signed, started=seed.actual_start,
            source=Source.FAIR, event=events[0], project=seed,
        )  # fmt: skip
        lead.committed_start = min(lead.committed_start, seed.actual_start)
        lead.committed_production = seed.planned_production or lead.committed_production
    # This year's and last year's cohorts at every stage: the funnel's real shape.
    plan = [  # (stage, how many leads of each team)
        (LeadStage.LEAD, 4), (LeadStage.CONTACT, 4), (LeadStage.NEGOTIATING, 3), (LeadStage.TERMINATED, 1),
        (LeadStage.SIGNED, 3), (LeadStage.REGISTERED, 2), (LeadStage.STARTED, 2), (LeadStage.PRODUCING, 1),
    ]  # fmt: skip
    for team, members in team_objs:
        for stage, count in plan:
            for _ in range(max(0, count + rng.randint(-1, 1))):
                owner = rng.choice(members)
                node = rng.choice(chain_nodes[team.pk])
                amount = rng.randint(10, 160) * 400
                year = y if stage != LeadStage.PRODUCING else y - 1
                opened = b.day(dt.date(year - 1, 10, 1), dt.date(year, 6, 30))
                signed = started = producing = None
                if stage in (
                    LeadStage.SIGNED,
                    LeadStage.REGISTERED,
                    LeadStage.STARTED,
                    LeadStage.PRODUCING,
                ):
                    signed = b.day(max(opened, dt.date(year, 1, 5)), dt.date(year, 9, 30))
                if stage in (LeadStage.STARTED, LeadStage.PRODUCING):
                    started = b.day(signed + dt.timedelta(days=60), signed + dt.timedelta(days=150))
                if stage == LeadStage.PRODUCING:
                    producing = b.day(
                        started + dt.timedelta(days=200), started + dt.timedelta(days=330)
                    )
                b.add(
                    team=team, owner=owner, stage=stage, opened=opened, amount=amount, node=node,
                    signed=signed, started=started, producing=producing,
                    event=rng.choice(events) if rng.random() < 0.3 else None,
                )  # fmt: skip
    b.save()
    # A few targets became leads (按图索骥): the first targets of some nodes.
    for target in TargetEnterprise.objects.filter(
        node__chain__zone=zone, lead__isnull=True
    ).order_by("id")[:4]:
        lead = (
            Lead.objects.filter(zone=zone, node=target.node, from_target__isnull=True)
            .order_by("id")
            .first()
        )
        if lead is not None and lead.project_id is None:
            Lead.objects.filter(pk=lead.pk).update(
                investor_name=target.name, investor_key=company_key(target.name)
            )
            target.lead = lead
            target.status = TargetEnterprise.Status.LEAD
            target.save(update_fields=["lead", "status"])


def _tunliu(zone: Zone, rng: random.Random, today: dt.date) -> None:
    dept = Department.objects.get(zone=zone, name="投资合作促进部")
    leader = User.objects.filter(zone=zone, role=Role.LEADER).first()
    staff = _staff(
        zone,
        dept,
        ["屯留招商一", "屯留招商二", "屯留招商三", "屯留招商四", "屯留招商五", "屯留招商六"],
        "tl-zs",
    )
    orgs = list(Organisation.objects.filter(zone=zone).order_by("id"))
    nodes = _chains(zone, TUNLIU_CHAINS)
    dingheng = next((o for o in orgs if o.name.startswith("鼎恒")), orgs[0])
    taihang = next((o for o in orgs if "太行药业" in o.name), orgs[1])
    _members(
        nodes,
        {
            "储能装备": [dingheng],
            "固废高值化材料": [dingheng],
            "中成药制剂": [taihang],
            "基础零部件": orgs[3:5],
        },
        rng,
    )
    teams = []
    for i, (name, chain, count, amount) in enumerate(
        [
            ("装备制造招商小分队", "装备制造", 15, 400000),
            ("固废利用招商小分队", "固废利用", 12, 300000),
            ("生物医药招商小分队", "生物医药", 12, 250000),
        ]
    ):
        team = Team.objects.create(
            zone=zone, name=name, department=dept, leader=leader, focus=f"{chain}产业链补链延链"
        )
        team.members.set(staff[2 * i : 2 * i + 2])
        TeamTarget.objects.create(
            team=team,
            year=2025,
            signed_count=count,
            signed_amount=Decimal(amount),
            funds_amount=Decimal(amount) / 4,
        )
        teams.append(
            (team, staff[2 * i : 2 * i + 2], [n for n in nodes.values() if n.chain.name == chain])
        )
    events = [
        Event.objects.create(zone=zone, kind=Event.Kind.FAIR, name="第七届中国国际进口博览会", place="上海", start_date=dt.date(2024, 11, 5), end_date=dt.date(2024, 11, 10)),
        Event.objects.create(zone=zone, kind=Event.Kind.FAIR, name="第二十五届中国国际投资贸易洽谈会（厦洽会）", place="福建厦门", start_date=dt.date(2025, 9, 8), end_date=dt.date(2025, 9, 11)),
    ]  # fmt: skip
    for i, city in enumerate(["北京", "天津", "江苏", "广东", "四川", "湖南", "重庆"]):
        team = teams[i % 3][0]
        events.append(
            Event.objects.create(
                zone=zone,
                team=team,
                kind=Event.Kind.TRIP,
                name=f"赴{city}精准招商对接",
                place=city,
                start_date=dt.date(2025, 2 + i, 10),
            )
        )
    b = _Builder(zone, rng, today)

    def pick(i):
        return teams[i % 3]

    # 2025: 41 signed for 97.63亿元; 19 of them started, for 30.12亿元.
    started_amounts = _split(rng, 301200, 19)
    other_amounts = _split(rng, 976300 - 301200, 22)
    for i, amount in enumerate(started_amounts):
        team, members, chain_nodes = pick(i)
        signed = b.day(dt.date(2025, 1, 10), dt.date(2025, 8, 31))
        started = b.day(
            signed + dt.timedelta(days=30),
            min(signed + dt.timedelta(days=120), dt.date(2025, 12, 20)),
        )
        b.add(team=team, owner=rng.choice(members), stage=LeadStage.STARTED, opened=signed - dt.timedelta(days=rng.randint(60, 240)),
              amount=amount, node=rng.choice(chain_nodes), signed=signed, started=started, event=rng.choice(events))  # fmt: skip
    for i, amount in enumerate(other_amounts):
        team, members, chain_nodes = pick(i)
        signed = b.day(dt.date(2025, 1, 10), dt.date(2025, 12, 20))
        stage = LeadStage.REGISTERED if i % 2 else LeadStage.SIGNED
        b.add(team=team, owner=rng.choice(members), stage=stage, opened=signed - dt.timedelta(days=rng.randint(60, 240)),
              amount=amount, node=rng.choice(chain_nodes), signed=signed, event=rng.choice(events))  # fmt: skip
    # 31 projects signed in 2023–2024 went into production in 2025, among them 鼎恒's 30MW flywheel.
    for i in range(31):
        team, members, chain_nodes = pick(i)
        signed = b.day(dt.date(2023, 3, 1), dt.date(2024, 9, 30))
        started = signed + dt.timedelta(days=rng.randint(60, 150))
        producing = b.day(
            max(dt.date(2025, 1, 5), started + dt.timedelta(days=180)), dt.date(2025, 12, 25)
        )
        name = "30MW飞轮储能项目" if i == 0 else None
        investor = ("北京飞轮储能技术有限公司", "北京") if i == 0 else None
        b.add(team=team, owner=rng.choice(members), stage=LeadStage.PRODUCING, opened=signed - dt.timedelta(days=rng.randint(60, 200)),
              amount=rng.randint(10, 120) * 1000, node=nodes["储能装备"] if i == 0 else rng.choice(chain_nodes), name=name,
              investor=investor, signed=signed, started=started, producing=producing)  # fmt: skip
    # "累计对接各类项目超百个": the rest are still being worked on, or dropped.
    for i in range(40):
        team, members, chain_nodes = pick(i)
        stage = [LeadStage.LEAD, LeadStage.CONTACT, LeadStage.NEGOTIATING, LeadStage.TERMINATED][
            i % 4
        ]
        b.add(team=team, owner=rng.choice(members), stage=stage, opened=b.day(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
              amount=rng.randint(10, 200) * 1000, node=rng.choice(chain_nodes), event=rng.choice(events) if i % 3 == 0 else None)  # fmt: skip
    b.save()


def build_investment_demo(users: dict[str, User], *, seed: int = 2026) -> None:
    """Chains, targets, teams, events and leads for 阳泉高新区 and 屯留经开区."""
    rng = random.Random(seed + 5)
    today = timezone.localdate()
    yangquan = Zone.objects.get(short_name="阳泉高新区")
    _yangquan(yangquan, users, rng, today)
    tunliu = Zone.objects.filter(short_name="屯留经开区").first()
    if tunliu is not None and today >= dt.date(2026, 1, 1):
        _tunliu(tunliu, rng, today)
