"""The demo world and the benchmark data generator.

`build_demo()` makes the zones, people and projects named on the seed page (科学导报's
development-zone page, ../shared/seeds/) with their real figures where the page gives them,
completed by plausible generated projects. `generate()` makes large deterministic data sets with
bulk inserts for benchmarks. Both go through `validate_project` for the hand-named projects so the
demo never shows data the product itself would refuse.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import timezone

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.lib.uscc import generate_uscc
from zonedesk.projects.defaults import install_default_templates
from zonedesk.projects.models import (
    Category,
    FundingSource,
    Level,
    Milestone,
    MilestoneTemplate,
    MilestoneTemplateStep,
    Nature,
    Project,
    Stage,
    Transformation,
)
from zonedesk.projects.services import milestone_target_date, plan_backwards, validate_project
from zonedesk.zones.models import Department, Organisation, Zone

PASSWORD = "Zonedesk@2026"

# (name, short name, kind, region code, area km²) — the zones of the seed page.
ZONES = [
    ("阳泉高新技术产业开发区", "阳泉高新区", Zone.Kind.PROVINCIAL, "140300", Decimal("38.90")),
    ("山西转型综合改革示范区", "综改示范区", Zone.Kind.REFORM, "140100", Decimal("600.00")),
    ("屯留经济技术开发区", "屯留经开区", Zone.Kind.PROVINCIAL, "140405", Decimal("18.60")),
    ("神池现代农业产业示范区", "神池示范区", Zone.Kind.AGRICULTURE, "140927", Decimal("12.00")),
    ("临汾经济技术开发区", "临汾经开区", Zone.Kind.NATIONAL_ETDZ, "141002", Decimal("20.00")),
    ("上党经济技术开发区", "上党经开区", Zone.Kind.PROVINCIAL, "140404", Decimal("15.00")),
    ("太谷经济技术开发区", "太谷经开区", Zone.Kind.PROVINCIAL, "140703", Decimal("16.00")),
]
PARKS = {
    "综改示范区": ["学府总部经济园区"],
    "阳泉高新区": ["高新区新能源产业园", "高新区数字经济产业园"],
}

DEPARTMENTS = [
    "党政办公室", "经济发展部", "投资合作促进部", "企业服务部", "规划建设部",
    "生态环境部", "应急管理部", "财政金融部",
]  # fmt: skip

# Zone-owned companies (国有企业具体实施) and project owners named on the page or typical of it.
ZONE_COMPANIES = {
    "阳泉高新区": [
        ("阳泉高新区开创投资集团有限公司", Organisation.Kind.ZONE_COMPANY),
        ("阳泉高新区路达市政工程有限公司", Organisation.Kind.ZONE_COMPANY),
        ("阳泉高新区城市建设发展有限公司", Organisation.Kind.ZONE_COMPANY),
        ("阳泉高新区产业投资基金管理有限公司", Organisation.Kind.ZONE_COMPANY),
    ],
    "综改示范区": [("大地控股（山西）科技产业园有限公司", Organisation.Kind.ENTERPRISE)],
    "屯留经开区": [
        ("鼎恒能源科技（山西）有限公司", Organisation.Kind.ENTERPRISE),
        ("山西太行药业股份有限公司", Organisation.Kind.ENTERPRISE),
        ("屯留经开区建设投资有限公司", Organisation.Kind.ZONE_COMPANY),
    ],
    "神池示范区": [
        ("神池县天牧生物科技有限公司", Organisation.Kind.ENTERPRISE),
        ("神池示范区农业开发投资有限公司", Organisation.Kind.ZONE_COMPANY),
    ],
}

ENTERPRISE_WORDS = [
    "晋阳", "太行", "娘子关", "狮脑山", "桃河", "冠山", "晋东", "中晶", "华润", "金鼎",
    "宏达", "北方", "恒泰", "天成", "瑞丰", "德邦", "科达", "新元", "汇通", "盛世",
]  # fmt: skip
ENTERPRISE_TRADES = [
    "新材料",
    "泵业",
    "电池",
    "装备制造",
    "数据科技",
    "医药",
    "耐材",
    "半导体",
    "磁材",
    "智能科技",
]


@dataclass
class Seed:
    """A project as the seed page names it. Money in 万元, areas in 亩 / ㎡."""

    name: str
    category: str
    industry: str
    total: Decimal
    stage: str
    owner: str | None = None
    content: str = ""
    floor_area: Decimal | None = None
    land: Decimal | None = None
    level: str = Level.CITY
    transformation: str = ""
    department: str = "经济发展部"
    park: str | None = None
    milestones_done: dict[str, dt.date] = field(default_factory=dict)


SEED_PROJECTS = {
    "阳泉高新区": [
        Seed(
            "高新区智算中心项目",
            Category.INDUSTRY,
            "6450",
            Decimal(85000),
            Stage.CONSTRUCTION,
            "阳泉高新区开创投资集团有限公司",
            "建设算智底座，数字经济产业集群核心载体",
            Decimal(42000),
            Decimal(60),
            Level.PROVINCE,
            Transformation.DIGITAL,
            park="高新区数字经济产业园",
        ),
        Seed(
            "新能源电池产业园正极材料项目",
            Category.INDUSTRY,
            "3841",
            Decimal(126000),
            Stage.STARTED,
            None,
            "百亿级新能源电池产业集群补链项目",
            Decimal(98000),
            Decimal(210),
            Level.PROVINCE,
            department="投资合作促进部",
            park="高新区新能源产业园",
        ),
        Seed(
            "泵阀智能制造产业园",
            Category.INDUSTRY,
            "3443",
            Decimal(56000),
            Stage.CONSTRUCTION,
            None,
            "泵阀传统优势产业转型升级",
            Decimal(61000),
            Decimal(120),
            Level.CITY,
            Transformation.TECH,
        ),
        Seed(
            "煤机装备基础再造项目",
            Category.INDUSTRY,
            "3511",
            Decimal(23000),
            Stage.PRODUCING,
            None,
            "煤机装备产业基础再造",
            None,
            None,
            Level.CITY,
            Transformation.FOUNDATION,
        ),
        Seed(
            "智慧医药产业园",
            Category.INDUSTRY,
            "2720",
            Decimal(68000),
            Stage.CONSTRUCTION,
            "阳泉高新区开创投资集团有限公司",
            "医药新消费领域产业载体",
            Decimal(72000),
            Decimal(95),
        ),
        Seed(
            "普惠医养综合服务中心",
            Category.LIVELIHOOD,
            "8512",
            Decimal(32000),
            Stage.STARTED,
            "阳泉高新区城市建设发展有限公司",
            "医疗卫生强基扩容，医养结合",
            Decimal(36000),
            Decimal(30),
        ),
        Seed(
            "奥特莱斯商圈提升工程",
            Category.URBAN_RENEWAL,
            "4813",
            Decimal(18000),
            Stage.CONSTRUCTION,
            "阳泉高新区路达市政工程有限公司",
            "强化城市商业配套，商圈道路与景观提升",
            department="规划建设部",
        ),
        Seed(
            "晋保路商业街改造工程",
            Category.URBAN_RENEWAL,
            "4813",
            Decimal(6500),
            Stage.COMPLETED,
            "阳泉高新区路达市政工程有限公司",
            "提升晋保路商业街热度",
            department="规划建设部",
        ),
        Seed(
            "青岛路商业街改造工程",
            Category.URBAN_RENEWAL,
            "4813",
            Decimal(7800),
            Stage.CONSTRUCTION,
            "阳泉高新区路达市政工程有限公司",
            "商业街立面与道路改造",
            department="规划建设部",
        ),
        Seed(
            "广州路商业街改造工程",
            Category.URBAN_RENEWAL,
            "4813",
            Decimal(7200),
            Stage.PREPARATION,
            "阳泉高新区路达市政工程有限公司",
            "商业街立面与道路改造",
            department="规划建设部",
        ),
        Seed(
            "城市基础设施生命线安全工程",
            Category.INFRASTRUCTURE,
            "7810",
            Decimal(24000),
            Stage.STARTED,
            "阳泉高新区城市建设发展有限公司",
            "供水、燃气、桥梁生命线监测",
            department="规划建设部",
        ),
        Seed(
            "职工文体活动中心",
            Category.LIVELIHOOD,
            "4720",
            Decimal(12000),
            Stage.SIGNED,
            "阳泉高新区城市建设发展有限公司",
            "公共文化设施升级",
            Decimal(15000),
        ),
        Seed(
            "全民健身中心",
            Category.LIVELIHOOD,
            "4720",
            Decimal(15000),
            Stage.PREPARATION,
            "阳泉高新区城市建设发展有限公司",
            "公共文化设施升级",
            Decimal(18000),
        ),
        Seed(
            "科幻主题公园",
            Category.ECOLOGY,
            "9020",
            Decimal(26000),
            Stage.CONCEIVED,
            None,
            "打造小而美的公共文化空间",
            land=Decimal(150),
        ),
        Seed(
            "人力资源产业园",
            Category.LIVELIHOOD,
            "8810",
            Decimal(9000),
            Stage.CONSTRUCTION,
            "阳泉高新区开创投资集团有限公司",
            "稳岗扩容提升行动载体",
            Decimal(20000),
            department="企业服务部",
        ),
    ],
    "综改示范区": [
        Seed(
            "大地控股科技产业园项目",
            Category.INDUSTRY,
            "4710",
            Decimal(142800),
            Stage.CONSTRUCTION,
            "大地控股（山西）科技产业园有限公司",
            "4栋主体建筑，聚焦高端智能制造、数字经济、新材料等战略性新兴产业，打造高品质科创载体",
            Decimal(160000),
            None,
            Level.PROVINCE,
            park="学府总部经济园区",
            milestones_done={"主体封顶": dt.date(2026, 1, 26)},
        ),
    ],
    "屯留经开区": [
        Seed(
            "30MW飞轮储能项目",
            Category.INDUSTRY,
            "4419",
            Decimal(36000),
            Stage.PRODUCING,
            "鼎恒能源科技（山西）有限公司",
            "与华北电力大学先进飞轮储能技术研究中心合作，已成功并网储能",
            level=Level.PROVINCE,
        ),
        Seed(
            "鼎恒固废产业园项目",
            Category.INDUSTRY,
            "7721",
            Decimal(58000),
            Stage.CONSTRUCTION,
            "鼎恒能源科技（山西）有限公司",
            "工业大宗固废高值化利用研发与产业化",
        ),
    ],
    "神池示范区": [
        Seed(
            "亚麻籽综合加工项目",
            Category.INDUSTRY,
            "1331",
            Decimal(30000),
            Stage.COMPLETED,
            "神池县天牧生物科技有限公司",
            "即将投产，产能将占全国的10%",
            level=Level.PROVINCE,
        ),
        Seed(
            "4000吨液蛋加工项目",
            Category.INDUSTRY,
            "1393",
            Decimal(8000),
            Stage.CONSTRUCTION,
            "神池县天牧生物科技有限公司",
            "配套54万羽蛋鸡养殖基地",
        ),
        Seed(
            "晋西北冷链仓储基地",
            Category.INFRASTRUCTURE,
            "5930",
            Decimal(15000),
            Stage.PRODUCING,
            "神池示范区农业开发投资有限公司",
            "晋西北单体最大的冷链仓储基地",
        ),
        Seed(
            "15万吨级粮食仓储中心",
            Category.INFRASTRUCTURE,
            "5990",
            Decimal(12000),
            Stage.COMPLETED,
            "神池示范区农业开发投资有限公司",
            "年仓储能力突破10万吨",
        ),
        Seed(
            "水肥一体化示范基地",
            Category.ECOLOGY,
            "7721",
            Decimal(5000),
            Stage.PRODUCING,
            "神池示范区农业开发投资有限公司",
            "10688亩水肥一体化示范基地建成投用，节水30%以上",
            land=Decimal(10688),
        ),
    ],
}

# Plausible generated projects: (category, industry code, name pattern, transformation).
GENERATED_KINDS = [
    (Category.INDUSTRY, "3841", "{org}年产{n}万套储能电池模组项目", ""),
    (Category.INDUSTRY, "3441", "{org}高端泵智能化改造项目", Transformation.TECH),
    (Category.INDUSTRY, "3443", "{org}特种阀门生产线项目", Transformation.EQUIPMENT),
    (Category.INDUSTRY, "3511", "{org}智能采掘装备项目", Transformation.DIGITAL),
    (Category.INDUSTRY, "2613", "{org}年产{n}万吨纳米钙基材料项目", ""),
    (Category.INDUSTRY, "3089", "{org}耐火材料绿色化改造项目", Transformation.GREEN),
    (Category.INDUSTRY, "3985", "{org}碳化硅半导体材料项目", ""),
    (Category.INDUSTRY, "3240", "{org}钨钼合金深加工项目", ""),
    (Category.INDUSTRY, "6450", "{org}工业互联网数据中心项目", Transformation.DIGITAL),
    (Category.INFRASTRUCTURE, "4813", "{road}道路新建工程", ""),
    (Category.INFRASTRUCTURE, "4852", "{road}雨污分流管网工程", ""),
    (Category.INFRASTRUCTURE, "4430", "高新区{road}片区集中供热工程", ""),
    (Category.LIVELIHOOD, "8321", "{road}小学建设项目", ""),
    (Category.LIVELIHOOD, "4710", "{road}保障性租赁住房项目", ""),
    (Category.ECOLOGY, "7721", "{road}河道生态修复工程", ""),
    (Category.URBAN_RENEWAL, "4710", "{road}老旧小区改造项目", ""),
]
ROADS = [
    "桃河",
    "大连路",
    "南庄",
    "义井",
    "平坦",
    "荫营",
    "白羊墅",
    "赛鱼",
    "上站",
    "北大街",
    "东塔",
    "泉中",
]

STAGE_WEIGHTS = [
    (Stage.CONCEIVED, 4), (Stage.PREPARATION, 6), (Stage.SIGNED, 4), (Stage.STARTED, 10),
    (Stage.CONSTRUCTION, 16), (Stage.COMPLETED, 4), (Stage.PRODUCING, 4), (Stage.FULL_CAPACITY, 2),
    (Stage.SUSPENDED, 1),
]  # fmt: skip


# --- dates by stage ---------------------------------------------------------------------------


def _dates_for(stage: str, rng: random.Random, today: dt.date) -> dict[str, dt.date | None]:
    """Dates consistent with a stage: past for what has happened, future for what is planned."""

    def days(a: int, b: int) -> dt.timedelta:
        return dt.timedelta(days=rng.randint(a, b))

    d: dict[str, dt.date | None] = {}
    order = [
        "conceived",
        "preparation",
        "signed",
        "started",
        "construction",
        "completed",
        "producing",
        "full_capacity",
    ]
    rank = order.index(stage) if stage in order else order.index("construction")
    if stage == Stage.STARTED:
        start = today - days(20, 240)
    elif rank >= order.index("construction"):
        start = today - days(300, 900)
    else:
        start = today + days(30, 300)
    d["planned_start"] = start + days(-30, 0) if rank >= 3 else start
    d["actual_start"] = start if rank >= 3 else None
    build = days(360, 720)
    d["planned_completion"] = d["planned_start"] + build
    if rank >= order.index("completed"):
        d["actual_completion"] = min(start + build + days(-60, 60), today - days(10, 60))
        d["actual_completion"] = max(d["actual_completion"], start + days(90, 120))
    d["planned_production"] = d["planned_completion"] + days(30, 90)
    if rank >= order.index("producing"):
        d["actual_production"] = min(d["actual_completion"] + days(10, 60), today - days(1, 5))
    if rank >= order.index("full_capacity"):
        d["full_capacity_date"] = min(d["actual_production"] + days(60, 200), today)
    if rank >= order.index("signed"):
        d["signed_date"] = (d["actual_start"] or today) - days(30, 200)
        d["signed_date"] = min(d["signed_date"], today)
    if stage == Stage.SUSPENDED:
        d["actual_start"] = today - days(200, 500)
        d["planned_start"] = d["actual_start"]
        d["planned_completion"] = d["actual_start"] + days(400, 700)
        d["planned_production"] = d["planned_completion"] + days(30, 60)
        d["signed_date"] = d["actual_start"] - days(30, 90)
    return d


# Milestones whose actual date is a project date the record already holds.
ACTUAL_FROM_PROJECT = {
    "开工": "actual_start", "竣工验收": "actual_completion", "完工": "actual_completion",
    "投产": "actual_production", "交付使用": "actual_production", "验收交付": "actual_production",
    "验收": "actual_production",
}  # fmt: skip


def _align_plan(project: Project, steps: list[tuple[str, int]]) -> None:
    """Make the planned completion/production dates agree with the template, counted from the
    planned start, so that the schedule planned backwards from them puts 开工 on the planned start."""
    offsets = dict(steps)
    if not project.planned_start or "开工" not in offsets:
        return
    target = project.planned_start + dt.timedelta(days=offsets["开工"])
    done_offset = next((offsets[n] for n in ("竣工验收", "完工", "主体完工") if n in offsets), 0)
    project.planned_completion = target - dt.timedelta(days=done_offset)
    project.planned_production = target


def _milestones_for(
    project: Project,
    steps: list[tuple[str, int]],
    rng: random.Random,
    today: dt.date,
    done: dict[str, dt.date] | None = None,
) -> list[Milestone]:
    """Planned backwards from the target; what has happened is reached (a fifth of the projects
    lag on their latest steps), and steps before 开工 were reached before the actual start."""
    target = milestone_target_date(project)
    if target is None or not steps:
        return []
    lagging = rng.random() < 0.2
    started = project.actual_start
    start_offset = dict(steps).get("开工", 0)
    rows = []
    for order, (name, offset, planned) in enumerate(plan_backwards(target, steps), start=1):
        actual = (done or {}).get(name) or getattr(
            project, ACTUAL_FROM_PROJECT.get(name, "pk"), None
        )
        if not isinstance(actual, dt.date):
            actual = None
        if (
            actual is None
            and planned <= today
            and project.stage not in ("conceived", "preparation")
        ):
            noisy = planned + dt.timedelta(days=rng.randint(-20, 25))
            if started and offset > start_offset:
                actual = min(noisy, started)
            elif started and not (lagging and planned > today - dt.timedelta(days=120)):
                actual = max(min(noisy, today), started)
            elif not started and offset > start_offset and not lagging:
                actual = min(noisy, today)
        # A lagging project's unit has pushed its next step back once (调整计划) without the
        # baseline being re-set: the page, the Gantt and the warnings show the slip.
        baseline, changes = planned, 0
        if lagging and actual is None and planned > today and not any(r.plan_changes for r in rows):
            planned, changes = planned + dt.timedelta(days=45), 1
        rows.append(
            Milestone(
                project=project,
                name=name,
                order=order,
                days_before_target=offset,
                planned_date=planned,
                baseline_date=baseline,
                plan_changes=changes,
                actual_date=actual,
                responsible_unit=project.implementing_unit,
            )
        )
    return rows


def _funding_for(project: Project, rng: random.Random) -> list[FundingSource]:
    total = project.total_investment
    if project.category == Category.INDUSTRY:
        self_share = Decimal(rng.choice([60, 70, 80]))
        parts = [
            (FundingSource.Kind.SELF, self_share),
            (FundingSource.Kind.BANK_LOAN, 100 - self_share),
        ]
    else:
        bond = Decimal(rng.choice([40, 50, 60]))
        parts = [
            (FundingSource.Kind.SPECIAL_BOND, bond),
            (FundingSource.Kind.CENTRAL_BUDGET, Decimal(20)),
            (FundingSource.Kind.OTHER, 80 - bond),
        ]
    return [
        FundingSource(
            project=project, kind=kind, amount=(total * share / 100).quantize(Decimal("0.01"))
        )
        for kind, share in parts
        if share > 0
    ]


# --- building blocks --------------------------------------------------------------------------


def _make_zone_world(
    name, short, kind, region, area, *, rng: random.Random, companies=None, parent=None
):
    zone = Zone.objects.create(
        name=name, short_name=short, kind=kind, region_code=region, area_km2=area, parent=parent
    )
    depts = Department.objects.bulk_create(
        Department(zone=zone, name=d, sort_order=i) for i, d in enumerate(DEPARTMENTS, start=1)
    )
    orgs = [
        Organisation(
            zone=zone,
            name=org_name,
            kind=org_kind,
            credit_code=generate_uscc(rng, region=region[:6]),
        )
        for org_name, org_kind in (companies or [])
    ]
    used = {o.name for o in orgs}
    while len(orgs) < 12:
        org_name = f"山西{rng.choice(ENTERPRISE_WORDS)}{rng.choice(ENTERPRISE_TRADES)}有限公司"
        if org_name in used:
            continue
        used.add(org_name)
        orgs.append(
            Organisation(
                zone=zone,
                name=org_name,
                kind=Organisation.Kind.ENTERPRISE,
                credit_code=generate_uscc(rng, region=region[:6]),
            )
        )
    Organisation.objects.bulk_create(orgs)
    return zone, depts, list(Organisation.objects.filter(zone=zone).order_by("id"))


def _templates() -> dict[str, list[tuple[str, int]]]:
    install_default_templates(MilestoneTemplate, MilestoneTemplateStep)
    return {
        t.category: [(s.name, s.days_before_target) for s in t.steps.all()]
        for t in MilestoneTemplate.objects.filter(zone__isnull=True).prefetch_related("steps")
    }


def _generated_project(
    zone, index: int, *, rng, depts, orgs, leads, today, code_prefix: str
) -> Project:
    category, industry, pattern, transformation = rng.choice(GENERATED_KINDS)
    stage = rng.choices([s for s, _ in STAGE_WEIGHTS], weights=[w for _, w in STAGE_WEIGHTS])[0]
    enterprises = [o for o in orgs if o.kind == Organisation.Kind.ENTERPRISE] or orgs
    zone_companies = [o for o in orgs if o.kind == Organisation.Kind.ZONE_COMPANY] or orgs
    # Industrial projects are owned by enterprises; public works by the zone's own companies.
    owner = rng.choice(enterprises if category == Category.INDUSTRY else zone_companies)
    name = pattern.format(
        org=owner.name.replace("有限公司", "").replace("山西", ""),
        n=rng.randint(1, 20),
        road=rng.choice(ROADS),
    )
    total = Decimal(
        rng.randint(5, 300) * 1000 if category == Category.INDUSTRY else rng.randint(3, 80) * 1000
    )
    dates = _dates_for(stage, rng, today)
    annual = (total * Decimal(rng.choice([20, 30, 40, 50])) / 100).quantize(Decimal("1"))
    if stage in (Stage.CONCEIVED, Stage.PREPARATION, Stage.FULL_CAPACITY):
        annual = Decimal(0)
    started = dates.get("actual_start")
    in_stats = bool(started) and total >= 500 and rng.random() < 0.85
    unit = owner
    return Project(
        zone=zone,
        code=f"{code_prefix}-{index:04d}",
        name=f"{name}（{index}）" if index > 999 else name,
        owner=owner,
        level=rng.choices([Level.PROVINCE, Level.CITY, Level.DISTRICT], weights=[1, 3, 6])[0],
        category=category,
        nature=rng.choice([Nature.NEW, Nature.NEW, Nature.EXPANSION, Nature.RECONSTRUCTION]),
        transformation=transformation,
        industry_code=industry,
        location_code=zone.region_code,
        total_investment=total,
        annual_plan_investment=annual,
        land_area_mu=Decimal(rng.randint(10, 300)) if category == Category.INDUSTRY else None,
        floor_area_m2=Decimal(rng.randint(5, 150) * 1000) if category != Category.ECOLOGY else None,
        content=f"{name}，建设内容包括主体工程及配套设施。",
        stage=stage,
        stage_note="资金未落实，暂缓建设" if stage == Stage.SUSPENDED else "",
        lead_official=rng.choice(leads) if leads else None,
        department=rng.choice(depts[1:6]),
        implementing_unit=unit,
        contact_name=rng.choice(["王", "李", "张", "刘", "陈", "杨", "赵"])
        + rng.choice(["工", "经理", "主任"]),
        contact_phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
        in_statistics=in_stats,
        statistics_date=(started + dt.timedelta(days=rng.randint(15, 60))) if in_stats else None,
        **{k: v for k, v in dates.items() if v is not None},
    )


def _fix_statistics_date(project: Project, today: dt.date) -> None:
    if project.statistics_date and project.statistics_date > today:
        project.statistics_date = today


# --- the demo ---------------------------------------------------------------------------------


@transaction.atomic
def build_demo(*, seed: int = 2026, projects_in_main_zone: int = 60) -> dict[str, User]:
    """The demo world of `manage.py demo`. Returns the demo users by login name."""
    rng = random.Random(seed)
    today = timezone.localdate()
    templates = _templates()
    worlds = {}
    for name, short, kind, region, area in ZONES:
        worlds[short] = _make_zone_world(
            name, short, kind, region, area, rng=rng, companies=ZONE_COMPANIES.get(short)
        )
    parks = {}
    for short, names in PARKS.items():
        for park_name in names:
            parks[park_name] = Zone.objects.create(
                name=park_name,
                short_name=park_name,
                kind=Zone.Kind.PARK,
                region_code=worlds[short][0].region_code,
                parent=worlds[short][0],
            )

    users = _demo_users(worlds)
    for short, (zone, depts, orgs) in worlds.items():
        leads = list(User.objects.filter(zone=zone, role__in=[Role.LEADER, Role.DEPUTY]))
        if not leads:
            leads = [
                User.objects.create_user(
                    username=f"lead-{zone.pk}",
                    password=None,
                    display_name=f"{short}主任",
                    role=Role.LEADER,
                    zone=zone,
                    is_active=False,
                )
            ]
        dept_by_name = {d.name: d for d in depts}
        org_by_name = {o.name: o for o in orgs}
        projects: list[Project] = []
        done: dict[int, dict[str, dt.date]] = {}
        for i, s in enumerate(SEED_PROJECTS.get(short, []), start=1):
            dates = _dates_for(s.stage, rng, today)
            if s.milestones_done:
                dates["actual_start"] = min(
                    dates.get("actual_start") or today, dt.date(2025, 3, 18)
                )
                dates["planned_start"] = dates["actual_start"]
                dates["signed_date"] = dates["actual_start"] - dt.timedelta(days=60)
                dates["planned_completion"] = max(
                    dates["planned_completion"], today + dt.timedelta(days=120)
                )
                dates["planned_production"] = dates["planned_completion"] + dt.timedelta(days=60)
            owner = org_by_name.get(s.owner) if s.owner else rng.choice(orgs)
            started = dates.get("actual_start")
            p = Project(
                zone=zone,
                park=parks.get(s.park) if s.park else None,
                code=f"{region_code(zone)}-2026-{i:04d}",
                name=s.name,
                owner=owner,
                level=s.level,
                category=s.category,
                nature=Nature.NEW,
                transformation=s.transformation,
                industry_code=s.industry,
                location_code=zone.region_code,
                total_investment=s.total,
                annual_plan_investment=(s.total * Decimal("0.3")).quantize(Decimal("1"))
                if s.stage not in (Stage.CONCEIVED, Stage.PREPARATION)
                else Decimal(0),
                land_area_mu=s.land,
                floor_area_m2=s.floor_area,
                content=s.content,
                stage=s.stage,
                lead_official=rng.choice(leads),
                department=dept_by_name[s.department],
                implementing_unit=owner,
                contact_name="项目办",
                contact_phone="0353-0000000",
                in_statistics=bool(started),
                statistics_date=(started + dt.timedelta(days=20)) if started else None,
                **{k: v for k, v in dates.items() if v is not None},
            )
            _fix_statistics_date(p, today)
            projects.append(p)
            done[len(projects) - 1] = s.milestones_done
        target = projects_in_main_zone if short == "阳泉高新区" else len(projects) + 8
        index = len(projects)
        while len(projects) < target:
            index += 1
            p = _generated_project(
                zone,
                index,
                rng=rng,
                depts=depts,
                orgs=orgs,
                leads=leads,
                today=today,
                code_prefix=f"{region_code(zone)}-2026",
            )
            _fix_statistics_date(p, today)
            projects.append(p)
        for i, p in enumerate(projects):
            if not done.get(i):  # a seed project with dated events keeps the page's own schedule
                _align_plan(p, templates.get(p.category, []))
            validate_project(p)
        Project.objects.bulk_create(projects)
        milestones, funding = [], []
        for i, p in enumerate(projects):
            milestones += _milestones_for(p, templates.get(p.category, []), rng, today, done.get(i))
            funding += _funding_for(p, rng)
        Milestone.objects.bulk_create(milestones)
        FundingSource.objects.bulk_create(funding)
    # Each module adds its records on top of the register: a year of weekly reports first (the
    # warnings read them), then the modules whose overdue items feed the meeting agenda, then the
    # blockers and meetings themselves, then the investment leads.
    from zonedesk.dispatch.demo import build_dispatch_demo  # noqa: PLC0415
    from zonedesk.enterprises.demo import build_enterprises_demo  # noqa: PLC0415
    from zonedesk.indicators.demo import build_indicators_demo  # noqa: PLC0415
    from zonedesk.investment.demo import build_investment_demo  # noqa: PLC0415
    from zonedesk.ledgers.demo import build_ledgers_demo  # noqa: PLC0415
    from zonedesk.peers.demo import build_peers_demo  # noqa: PLC0415
    from zonedesk.reports.demo import build_reports_demo  # noqa: PLC0415

    build_reports_demo()
    build_peers_demo(users)
    build_indicators_demo(seed=seed)
    build_ledgers_demo(seed=seed)
    build_enterprises_demo(users, seed=seed)
    build_dispatch_demo(users)
    build_investment_demo(users, seed=seed)
    audit_record(
        actor=None, actor_name="系统", action=AuditEvent.Action.CREATE, note="载入演示数据"
    )
    return users


def region_code(zone: Zone) -> str:
    return zone.region_code or f"Z{zone.pk}"


def _demo_users(worlds) -> dict[str, User]:
    yq, yq_depts, yq_orgs = worlds["阳泉高新区"]
    dept = {d.name: d for d in yq_depts}
    kaichuang = next(o for o in yq_orgs if o.name.startswith("阳泉高新区开创"))
    specs = [
        ("admin", "系统管理员", Role.ADMIN, {"zone": yq}),
        ("leader", "高新区主任", Role.LEADER, {"zone": yq}),
        ("deputy", "分管副主任", Role.DEPUTY, {"zone": yq}),
        ("invest", "投促部干部", Role.STAFF, {"zone": yq, "department": dept["投资合作促进部"]}),
        ("econ", "经发部干部", Role.STAFF, {"zone": yq, "department": dept["经济发展部"]}),
        ("unit", "开创集团填报员", Role.UNIT, {"zone": yq, "organisation": kaichuang}),
        ("city", "市发改委查看", Role.VIEWER, {}),
        ("auditor", "审计员", Role.AUDITOR, {"zone": yq}),
    ]
    users = {}
    for username, display, role, extra in specs:
        users[username] = User.objects.create_user(
            username=username, password=PASSWORD, display_name=display, role=role, **extra
        )
    users["deputy"].supervised_departments.set([dept["经济发展部"], dept["投资合作促进部"]])
    users["city"].viewer_zones.set([w[0] for w in worlds.values()])
    admin = users["admin"]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    admin.groups.add(admin_group())
    # Leaders of the other zones, so every zone's projects have a 包保领导.
    for short, (zone, _, _) in worlds.items():
        if zone.pk != yq.pk:
            User.objects.create_user(
                username=f"leader-{zone.region_code}",
                password=None,
                display_name=f"{short}主任",
                role=Role.LEADER,
                zone=zone,
                is_active=False,
            )
    return users


def admin_group() -> Group:
    """系统管理员 manage users, zones, departments, organisations and milestone templates in the
    admin — not business records and not the audit log (等保 separation of duties)."""
    group, _ = Group.objects.get_or_create(name="系统管理员")
    perms = Permission.objects.filter(
        content_type__app_label__in=["accounts", "zones", "projects"],
        content_type__model__in=[
            "user",
            "zone",
            "department",
            "organisation",
            "milestonetemplate",
            "milestonetemplatestep",
        ],
    )
    group.permissions.set(perms)
    return group


# --- the generator for benchmarks -------------------------------------------------------------


def generate(*, zones: int, projects_per_zone: int, seed: int = 1, batch: int = 2000) -> int:
    """Deterministic large data: `zones` zones with `projects_per_zone` projects each, their
    milestones and funding, inserted in bulk. Returns the number of projects made."""
    rng = random.Random(seed)
    today = timezone.localdate()
    templates = _templates()
    made = 0
    start = Zone.objects.count()
    for z in range(zones):
        with transaction.atomic():
            n = start + z + 1
            zone, depts, orgs = _make_zone_world(
                f"生成开发区{n:03d}",
                f"生成区{n:03d}",
                Zone.Kind.PROVINCIAL,
                "140300",
                Decimal(20),
                rng=rng,
            )
            lead = User.objects.create_user(
                username=f"gen-leader-{zone.pk}",
                password=None,
                display_name=f"生成区{n:03d}主任",
                role=Role.LEADER,
                zone=zone,
                is_active=False,
            )
            projects = []
            for i in range(1, projects_per_zone + 1):
                p = _generated_project(
                    zone,
                    i,
                    rng=rng,
                    depts=depts,
                    orgs=orgs,
                    leads=[lead],
                    today=today,
                    code_prefix=f"G{zone.pk}",
                )
                _fix_statistics_date(p, today)
                _align_plan(p, templates.get(p.category, []))
                projects.append(p)
            Project.objects.bulk_create(projects, batch_size=batch)
            milestones, funding = [], []
            for p in projects:
                milestones += _milestones_for(p, templates.get(p.category, []), rng, today)
                funding += _funding_for(p, rng)
            Milestone.objects.bulk_create(milestones, batch_size=batch)
            FundingSource.objects.bulk_create(funding, batch_size=batch)
            made += len(projects)
    # Bulk loads leave the planner's statistics stale (PostgreSQL then guesses a handful of rows and
    # picks nested loops over 15,000); refresh them as a loader should.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made
