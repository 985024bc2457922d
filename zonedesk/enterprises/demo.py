"""Demo data of enterprise services for 阳泉高新区: about 200 enterprise files (the zone's
organisations already registered become enterprises — one identity — plus generated firms with
valid credit codes), three years of monthly figures, certificates and tiers, a published 亩均
evaluation, requests with working-day deadlines, policies, and a bank matchmaking event.

Called once from zonedesk.demo.build_demo. Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from zonedesk.accounts.models import Role, User
from zonedesk.lib.uscc import generate_uscc
from zonedesk.zones.models import Department, Organisation, Zone

from . import services
from .models import (
    Certificate,
    Enterprise,
    EnterpriseSettings,
    FinancialInstitution,
    FinancialProduct,
    FinancingNeed,
    MatchmakingEvent,
    MonthlyFigure,
    MuEvaluation,
    ServicePlan,
    ServiceRequest,
)

TARGET = 200
PASSWORD = "Zonedesk@2026"

# (trade word, GB/T 4754 小类, typical monthly revenue in 万元, land 亩, R&D share %)
TRADES = [
    ("泵业", "3441", 260, 60, 3.5),
    ("阀门", "3443", 180, 40, 3.0),
    ("煤机装备", "3511", 600, 120, 4.0),
    ("电子材料", "3985", 320, 50, 6.5),
    ("耐火材料", "3089", 220, 80, 1.5),
    ("新能源电池", "3841", 900, 150, 5.0),
    ("数据科技", "6450", 120, 0, 7.0),
    ("软件", "6513", 60, 0, 9.0),
    ("药业", "2720", 400, 70, 5.5),
    ("物流", "5990", 150, 30, 0.2),
    ("机电设备", "5179", 300, 5, 0.1),
    ("合金材料", "3240", 500, 90, 2.5),
    ("化工", "2613", 350, 100, 2.0),
    ("环保装备", "3591", 140, 25, 4.5),
    ("塑料制品", "2929", 90, 15, 1.0),
    ("半导体装备", "3562", 260, 40, 8.0),
    ("电缆", "3831", 420, 45, 2.0),
    ("特种玻璃", "3042", 200, 60, 3.0),
    ("检测研究", "7320", 40, 2, 12.0),
    ("商贸", "5211", 80, 0, 0.0),
]
WORDS = [
    "晋阳", "太行", "娘子关", "狮脑山", "桃河", "冠山", "晋东", "中晶", "华润", "金鼎", "宏达", "北方",
    "恒泰", "天成", "瑞丰", "德邦", "科达", "新元", "汇通", "盛世", "阳煤", "兆丰", "鑫源",
    "正泰", "远航", "东升", "万象", "同创", "泰昇", "润土", "磐石", "凯盛", "嘉禾", "永固", "清源",
]  # fmt: skip
PREFIXES = ["阳泉", "山西", "阳泉市", "山西晋东"]
SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司"]
MANUFACTURING = [f"{d:02d}" for d in range(13, 44)]


def build_enterprises_demo(users: dict[str, User], *, seed: int = 2026) -> None:
    rng = random.Random(seed + 6)
    zone = Zone.objects.get(short_name="阳泉高新区")
    leader = users["leader"]
    econ = users.get("econ") or leader
    today = timezone.localdate()
    depts = {d.name: d for d in Department.objects.filter(zone=zone)}
    parks = list(Zone.objects.filter(parent=zone))
    EnterpriseSettings.objects.update_or_create(zone=zone, defaults={"self_reporting": True})

    orgs = list(
        Organisation.objects.filter(
            zone=zone, kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.ZONE_COMPANY]
        ).order_by("id")
    )
    used_names = set(Organisation.objects.filter(zone=zone).values_list("name", flat=True))
    used_codes = set(
        Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True)
    )
    new_orgs = []
    while len(orgs) + len(new_orgs) < TARGET:
        trade = rng.choice(TRADES)[0]
        name = f"{rng.choice(PREFIXES)}{rng.choice(WORDS)}{trade}{rng.choice(SUFFIXES)}"
        if name in used_names:
            continue
        code = generate_uscc(rng, region=rng.choice(["140300", "140302", "140303", "140311"]))
        if code in used_codes:
            continue
        used_names.add(name)
        used_codes.add(code)
        new_orgs.append(
            Organisation(zone=zone, name=name, credit_code=code, kind=Organisation.Kind.ENTERPRISE,
                         contact_name=rng.choice("王李张刘陈杨赵黄") + rng.choice(["经理", "总", "主任"]),
                         contact_phone=f"1{rng.randint(30, 99)}{rng.randint(10000000, 99999999)}")
        )  # fmt: skip
    Organisation.objects.bulk_create(new_orgs)
    orgs += list(Organisation.objects.filter(pk__in=[o.pk for o in new_orgs]))

    enterprises, profile = [], {}
    for org in orgs:
        if not org.credit_code:
            org.credit_code = generate_uscc(rng)
            org.save(update_fields=["credit_code"])
        trade = next((t for t in TRADES if t[0] in org.name), None) or rng.choice(TRADES)
        _, code, monthly, land, rd_share = trade
        scale = Decimal(str(round(rng.lognormvariate(0, 0.7), 3)))
        founded = dt.date(rng.randint(2004, 2023), rng.randint(1, 12), rng.randint(1, 28))
        is_ = org.kind == Organisation.Kind.ZONE_COMPANY
        land_mu = (
            None if land == 0 else Decimal(max(1, int(land * float(scale) * rng.uniform(0.5, 1.5))))
        )
        staff = max(8, int(float(monthly) * float(scale) * rng.uniform(0.2, 0.5)))
        tech = int(staff * rng.uniform(0.03, 0.35)) if rd_share >= 1 else int(staff * 0.02)
        e = Enterprise(
            organisation=org, zone=zone, park=rng.choice(parks) if parks and rng.random() < 0.5 else None,
            industry_code="7010" if is_ and "城市建设" in org.name else ("5990" if is_ else code),
            size=rng.choice(["medium", "small", "small", "micro"]) if not is_ else "large",
            registered_capital=Decimal(rng.choice([500, 1000, 2000, 3000, 5000, 10000])),
            founded_on=founded, production_start=founded + dt.timedelta(days=rng.randint(200, 700)),
            land_area_mu=land_mu, floor_area_m2=Decimal(int(float(land_mu or 2) * 666.67 * rng.uniform(0.4, 1.2))),
            region_code=org.credit_code[2:8], address=f"阳泉高新区{rng.choice(['学院路', '科技大道', '东环路', '创新街', '智谷路'])}{rng.randint(1, 300)}号",
            tech_staff=tech, total_assets=Decimal(int(float(monthly) * float(scale) * rng.uniform(8, 25))),
            high_tech_income_ratio=Decimal(rng.randint(45, 92)) if rd_share >= 3 else Decimal(rng.randint(0, 30)),
            ip_class1=rng.choice([0, 0, 1, 2, 5]) if rd_share >= 3 else 0,
            ip_class2=rng.randint(0, 12) if rd_share >= 1 else 0,
            construction_qualification=False,
            service_department=depts.get("企业服务部"),
        )  # fmt: skip
        enterprises.append(e)
        profile[org.pk] = (Decimal(monthly) * scale, rd_share, staff)
    Enterprise.objects.bulk_create(enterprises)

    # Three full years of monthly figures plus this year to last month (当月值, 万元).
    figures = []
    first_year = today.year - 3
    for e in enterprises:
        base, rd_share, staff = profile[e.pk]
        growth = Decimal(str(rng.uniform(-0.05, 0.18)))
        rd_ratio = Decimal(str(max(0.0, rd_share * rng.uniform(0.5, 1.5)))) / 100
        tax_ratio = Decimal(str(rng.uniform(0.025, 0.08)))
        kwh_per_wan = Decimal(str(rng.uniform(0.02, 0.25)))
        for year in range(first_year, today.year + 1):
            if year < e.founded_on.year:
                continue
            factor = (1 + growth) ** (year - first_year)
            for month in range(1, 13):
                if (year, month) >= (today.year, today.month):
                    break
                season = (
                    Decimal("0.7")
                    if month in (1, 2)
                    else Decimal("1.15")
                    if month == 12
                    else Decimal(1)
                )
                revenue = (base * factor * season * Decimal(str(rng.uniform(0.85, 1.15)))).quantize(
                    Decimal("0.01")
                )
                figures.append(
                    MonthlyFigure(
                        enterprise=e, year=year, month=month, revenue=revenue,
                        output=(revenue * Decimal("1.08")).quantize(Decimal("0.01")),
                        tax=(revenue * tax_ratio).quantize(Decimal("0.01")),
                        electricity=(revenue * kwh_per_wan).quantize(Decimal("0.01")),
                        rd_spending=(revenue * rd_ratio).quantize(Decimal("0.01")),
                        employees=max(5, staff + rng.randint(-3, 3)), source=MonthlyFigure.Source.IMPORT,
                    )
                )  # fmt: skip
    MonthlyFigure.objects.bulk_create(figures, batch_size=2000)

    _certificates(enterprises, profile, rng, today)
    _evaluation(zone, leader, today)
    _requests(enterprises, depts, econ, rng, today)
    _policies(zone, leader, today)
    _plans(enterprises, depts, rng, today)
    _finance(zone, enterprises, econ, rng, today)
    _enterprise_user(zone, enterprises)


def _certificates(enterprises, profile, rng, today) -> None:
    certs = []

    def add(e, kind, issuer, years=3, back=None, **extra):
        issued = today - dt.timedelta(days=back if back is not None else rng.randint(30, 1000))
        certs.append(
            Certificate(
                enterprise=e, kind=kind, issuer=issuer, issued_on=issued,
                expires_on=_plus_years(issued, years) if years else None,
                number=f"{kind[:2].upper()}{issued.year}{rng.randint(10000, 99999)}", **extra,
            )
        )  # fmt: skip

    big = [e for e in enterprises if profile[e.pk][0] * 12 >= 2000]
    for e in big:
        if rng.random() < 0.8:
            add(e, Certificate.Kind.FOUR_ABOVE, "阳泉市统计局", years=0, name="规模以上工业企业")
    tech = [e for e in enterprises if profile[e.pk][1] >= 3]
    rng.shuffle(tech)
    for i, e in enumerate(tech[:45]):
        add(e, Certificate.Kind.TECH_SME, "山西省科学技术厅", years=1, back=rng.randint(30, 330))
        if i < 24:
            # A few issued almost three years ago: they show in the 90-day expiry list.
            back = rng.randint(1030, 1080) if i < 4 else None
            add(
                e,
                Certificate.Kind.HIGH_TECH,
                "山西省科学技术厅、财政厅、国家税务总局山西省税务局",
                back=back,
            )
        if i < 20:
            add(e, Certificate.Kind.INNOVATIVE_SME, "山西省工业和信息化厅")
        if i < 9:
            add(e, Certificate.Kind.SPECIALISED, "山西省工业和信息化厅")
        if i < 2:
            add(e, Certificate.Kind.LITTLE_GIANT, "工业和信息化部")
        if i in (0, 3, 6):
            add(
                e,
                Certificate.Kind.PLATFORM_PROVINCIAL_RD,
                "山西省科学技术厅",
                years=0,
                name="省级企业技术中心",
            )
        if i in (1, 5):
            add(e, Certificate.Kind.PLATFORM_DOCTOR, "阳泉市科学技术局", years=0, name="博士创新站")
        if i == 2:
            add(
                e,
                Certificate.Kind.PLATFORM_ACADEMICIAN,
                "山西省科学技术协会",
                years=0,
                name="院士专家工作站",
            )
    for e in sorted(big, key=lambda x: -profile[x.pk][0])[:3]:
        add(
            e,
            Certificate.Kind.CHAIN_LEADER,
            "阳泉市人民政府",
            years=0,
            name="新能源电池产业链链主企业",
        )
    Certificate.objects.bulk_create(certs)


def _plus_years(day: dt.date, years: int) -> dt.date:
    """The same date `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _evaluation(zone, leader, today) -> None:
    evaluation = services.mu_evaluation_compute(zone=zone, year=today.year - 1, by=leader)
    evaluation = services.mu_evaluation_publish(
        evaluation=evaluation, by=leader, objection_days=5, expected_version=evaluation.version
    )
    # The demo's evaluation was published in spring and its objection period is over.
    MuEvaluation.objects.filter(pk=evaluation.pk).update(
        status=MuEvaluation.Status.FINAL,
        objection_until=min(dt.date(today.year, 3, 20), today - dt.timedelta(days=1)),
        finalised_at=timezone.now(),
    )


REQUESTS = [
    (ServiceRequest.Category.LAND, "扩建厂房需新增工业用地约20亩，请协调用地指标", "规划建设部"),
    (
        ServiceRequest.Category.FINANCE,
        "流动资金紧张，希望对接银行办理1000万元信用贷款",
        "财政金融部",
    ),
    (ServiceRequest.Category.TALENT, "急需招聘数控技工30名，请协助对接职业院校", "企业服务部"),
    (ServiceRequest.Category.APPROVAL, "新建生产线环评批复办理进度缓慢", "生态环境部"),
    (ServiceRequest.Category.POLICY, "2025年度研发费用后补助尚未兑现", "经济发展部"),
    (ServiceRequest.Category.ENERGY, "园区供电容量不足，申请增容至2000千伏安", "规划建设部"),
    (ServiceRequest.Category.INFRA, "厂区门前道路破损，雨季积水影响物流车辆通行", "规划建设部"),
    (ServiceRequest.Category.MARKET, "希望参加进博会高新区展区，拓展外贸订单", "投资合作促进部"),
]


def _requests(enterprises, depts, by, rng, today) -> None:
    picks = rng.sample(enterprises, 28)
    for i, e in enumerate(picks):
        category, text, dept = REQUESTS[i % len(REQUESTS)]
        received = today - dt.timedelta(days=rng.randint(1, 60))
        item = services.service_request_create(
            enterprise=e, by=by,
            data={"category": category, "description": text, "department": depts[dept], "received_on": received, "time_limit_days": rng.choice([5, 5, 10, 15])},
        )  # fmt: skip
        if i % 3 == 0 or item.due_on >= today:
            continue  # still open: some of them overdue
        item = services.service_request_reply(
            item=item,
            by=by,
            reply="已协调相关单位办理，具体进展已电话告知企业。",
            close=i % 2 == 0,
            expected_version=item.version,
        )
        if i % 4 != 1:
            services.service_request_rate(
                item=item, by=by, satisfaction=rng.choice([5, 5, 4, 4, 3])
            )


def _policies(zone, by, today) -> None:
    start = dt.date(today.year - 1, 1, 1)
    end = dt.date(today.year + 1, 12, 31)
    items = [
        ("阳泉高新区高新技术企业认定奖励办法", "阳泉高新区管委会", "阳高管发〔2025〕12号", "首次认定的高新技术企业一次性奖励20万元，重新认定奖励10万元",
         [{"field": "tier", "op": "has", "value": "high_tech"}]),
        ("规模以上工业企业首次升规奖励", "阳泉市工业和信息化局", "阳工信发〔2025〕8号", "首次纳入规上统计的工业企业奖励10万元",
         [{"field": "industry", "op": "in", "value": MANUFACTURING}, {"field": "revenue", "op": ">=", "value": 2000}, {"field": "tier", "op": "not_has", "value": "four_above"}]),
        ("企业研发费用后补助", "阳泉高新区管委会", "阳高管发〔2025〕21号", "按上年度研发投入的10%给予后补助，最高100万元",
         [{"field": "rd", "op": ">=", "value": 100}, {"field": "rd_ratio", "op": ">=", "value": 3}]),
        ("亩均效益A类企业要素保障激励", "阳泉高新区管委会", "阳高管发〔2026〕3号", "A类企业用地、用电、用能指标优先保障，电价每千瓦时优惠0.03元",
         [{"field": "mu_grade", "op": "in", "value": ["A"]}]),
        ("专精特新“小巨人”梯度培育奖励", "山西省工业和信息化厅", "晋工信规〔2024〕5号", "认定为国家级专精特新“小巨人”的企业奖励50万元",
         [{"field": "tier", "op": "has", "value": "specialised"}, {"field": "revenue", "op": ">=", "value": 5000}]),
    ]  # fmt: skip
    for title, issuer, number, benefit, conditions in items:
        services.policy_save(
            zone=zone, by=by,
            data={"title": title, "issuer": issuer, "document_number": number, "benefit": benefit,
                  "valid_from": start, "valid_to": end, "conditions": conditions, "text": benefit},
        )  # fmt: skip


def _plans(enterprises, depts, rng, today) -> None:
    goals = [
        (
            "2026年申报高新技术企业",
            "辅导归集研发费用，完善知识产权布局，对接认定代理机构",
            "经济发展部",
        ),
        ("年底前纳入规上统计", "指导建立统计台账，按月跟踪营业收入", "经济发展部"),
        ("申报省级专精特新中小企业", "组织申报培训，协调第三方开展评价", "企业服务部"),
        ("亩均效益提升（C类转B类）", "实施技术改造，盘活闲置厂房，降低单位能耗", "企业服务部"),
    ]
    plans = []
    for i, e in enumerate(rng.sample(enterprises, 12)):
        goal, measures, dept = goals[i % len(goals)]
        closed = i % 4 == 3
        plans.append(
            ServicePlan(
                enterprise=e, goal=goal, measures=measures, department=depts[dept],
                deadline=today + dt.timedelta(days=rng.randint(-30, 200)),
                status=ServicePlan.Status.CLOSED if closed else ServicePlan.Status.OPEN,
                result="已完成" if closed else "", closed_at=timezone.now() if closed else None,
            )
        )  # fmt: skip
    ServicePlan.objects.bulk_create(plans)


def _finance(zone, enterprises, by, rng, today) -> None:
    banks = [
        FinancialInstitution.objects.create(zone=zone, name=name, contact=contact)
        for name, contact in [("中国建设银行阳泉分行", "普惠金融部 张经理"), ("晋商银行阳泉分行", "公司业务部 李经理"), ("阳泉市商业银行", "小微金融部 王经理")]
    ]  # fmt: skip
    products = [
        FinancialProduct.objects.create(institution=banks[0], name="科技贷", max_amount=Decimal(1000), rate="LPR+0.3%", term_months=36, collateral="知识产权质押"),
        FinancialProduct.objects.create(institution=banks[1], name="税易贷", max_amount=Decimal(500), rate="3.65%", term_months=12, collateral="信用"),
        FinancialProduct.objects.create(institution=banks[2], name="园区贷", max_amount=Decimal(2000), rate="3.9%", term_months=24, collateral="厂房抵押"),
    ]  # fmt: skip
    event = MatchmakingEvent.objects.create(
        zone=zone,
        title=f"阳泉高新区{today.year}年银企对接会",
        date=today - dt.timedelta(days=40),
        place="高新区管委会三楼会议室",
    )
    firms = rng.sample(enterprises, 15)
    event.enterprises.set(firms)
    event.institutions.set(banks)
    for i, e in enumerate(firms[:12]):
        need = services.financing_need_create(
            enterprise=e, by=by,
            data={"amount": Decimal(rng.choice([300, 500, 800, 1000, 2000])), "purpose": rng.choice(["购置生产设备", "补充流动资金", "研发投入", "厂房扩建"]),
                  "term_months": rng.choice([12, 24, 36]), "collateral": rng.choice(["信用", "知识产权质押", "厂房抵押"]), "event": event},
        )  # fmt: skip
        if i < 6:
            bank = banks[i % 3]
            services.financing_outcome_record(
                need=need, by=by, status=FinancingNeed.Status.GRANTED, institution=bank, product=products[i % 3],
                granted_amount=(need.amount * Decimal("0.8")).quantize(Decimal(1)),
                granted_on=event.date + dt.timedelta(days=rng.randint(5, 30)), expected_version=need.version,
            )  # fmt: skip
        elif i == 6:
            services.financing_outcome_record(
                need=need, by=by, status=FinancingNeed.Status.DECLINED, institution=None, product=None,
                granted_amount=None, granted_on=None, expected_version=need.version,
            )  # fmt: skip


def _enterprise_user(zone, enterprises) -> None:
    """qiye: the enterprise's own user (a 项目单位填报员 whose organisation is the firm); the
    zone allows self-reporting of monthly figures."""
    firm = next(e for e in enterprises if e.organisation.kind == Organisation.Kind.ENTERPRISE)
    if not User.objects.filter(username="qiye").exists():
        User.objects.create_user(
            username="qiye", password=PASSWORD, display_name=f"{firm.organisation.name[:10]}填报员",
            role=Role.UNIT, zone=zone, organisation=firm.organisation,
        )  # fmt: skip
