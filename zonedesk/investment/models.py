"""招商引资: leads from first contact to a producing project, investment teams and their targets,
and the industry-chain map (招商图谱: chain → link → node) with target enterprises per node.

Money in 万元 (Decimal), land in 亩. A lead keeps one identity: when it is signed it can become a
key project (`Lead.project`), whose start and production dates then move the lead's stage.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zonedesk.projects.models import MONEY, Project
from zonedesk.zones.models import Department, Organisation, Zone

AREA = {
    "max_digits": 12,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0"))],
}


# --- the industry-chain map (招商图谱) -----------------------------------------------------------


class Chain(models.Model):
    """产业链: a chain the zone builds up (新能源电池, 数字经济, 泵阀装备), with its scale target."""

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="chains"
    )
    name = models.CharField("产业链名称", max_length=60)
    goal = models.CharField("发展目标", max_length=200, blank=True, help_text="如：百亿级产业集群")
    description = models.TextField("说明", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["zone_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="chain_unique_name_per_zone")
        ]

    def __str__(self) -> str:
        return self.name


class Link(models.TextChoices):
    """产业链环节."""

    UPSTREAM = "upstream", "上游"
    MIDSTREAM = "midstream", "中游"
    DOWNSTREAM = "downstream", "下游"


class ChainNode(models.Model):
    """产业链节点: one step of a chain (正极材料, 电芯制造, 储能系统 …), in a link, possibly under a
    parent node. A weak node (薄弱环节) says why; targets and leads are opened against nodes."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="nodes")
    link = models.CharField("环节", max_length=12, choices=Link.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级节点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("节点名称", max_length=60)
    is_weak = models.BooleanField("薄弱环节", default=False)
    weak_reason = models.CharField("薄弱原因", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "产业链节点"
        verbose_name_plural = "产业链节点"
        ordering = ["chain_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "name"], name="node_unique_name_per_chain"),
            models.CheckConstraint(
                condition=Q(is_weak=False) | ~Q(weak_reason=""), name="node_weak_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NodeMembership(models.Model):
    """节点企业: an organisation of the zone that works in a chain node, with the figures that make
    the node's indicators (output and tax of the last full year, 规上 or not)."""

    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="chain_memberships",
    )
    output = models.DecimalField("年产值（万元）", null=True, blank=True, **MONEY)
    tax = models.DecimalField("年税收（万元）", null=True, blank=True, **MONEY)
    above_scale = models.BooleanField("规上企业", default=False)
    is_chain_leader = models.BooleanField("链主企业", default=False)

    class Meta:
        verbose_name = "节点企业"
        verbose_name_plural = "节点企业"
        ordering = ["node_id", "-is_chain_leader", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "organisation"], name="membership_unique_org_per_node"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node} · {self.organisation}"


class TargetEnterprise(models.Model):
    """靶向企业: an enterprise elsewhere that would fill a node (按图索骥), and how far it got."""

    class Status(models.TextChoices):
        NEW = "new", "待对接"
        APPROACHED = "approached", "已对接"
        LEAD = "lead", "已转线索"
        DROPPED = "dropped", "放弃"

    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="targets")
    name = models.CharField("企业名称", max_length=120)
    location = models.CharField("所在地", max_length=60, blank=True)
    reason = models.CharField("契合理由", max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.NEW)
    lead = models.OneToOneField(
        "Lead",
        verbose_name="招商线索",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="from_target",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "靶向企业"
        verbose_name_plural = "靶向企业"
        ordering = ["node_id", "id"]

    def __str__(self) -> str:
        return self.name


# --- teams, trips and events ----------------------------------------------------------------------


class Team(models.Model):
    """招商小分队: a team of the zone ("领导带队、专家参谋、全员攻坚") with members and yearly targets."""

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="investment_teams"
    )
    name = models.CharField("小分队名称", max_length=60)
    department = models.ForeignKey(
        Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="带队领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="成员", blank=True, related_name="investment_teams"
    )
    focus = models.CharField("主攻方向", max_length=200, blank=True)

    class Meta:
        verbose_name = "招商小分队"
        verbose_name_plural = "招商小分队"
        ordering = ["zone_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="team_unique_name_per_zone")
        ]

    def __str__(self) -> str:
        return self.name


class TeamTarget(models.Model):
    """年度目标: signed count and amount and paid-in funds (到位资金) a team must reach in a year."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("年度")
    signed_count = models.PositiveIntegerField("签约项目数目标", default=0)
    signed_amount = models.DecimalField("签约金额目标（万元）", default=0, **MONEY)
    funds_amount = models.DecimalField("到位资金目标（万元）", default=0, **MONEY)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["team_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["team", "year"], name="team_target_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.year}年"


class Event(models.Model):
    """招商活动: a fair (进博会, 厦洽会), a city trip (赴江苏招商) or a promotion meeting."""

    class Kind(models.TextChoices):
        FAIR = "fair", "展会"
        TRIP = "trip", "外出招商"
        MEETING = "meeting", "推介会"
        VISIT = "visit", "客商来访"

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="investment_events"
    )
    team = models.ForeignKey(
        Team,
        verbose_name="小分队",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    place = models.CharField("地点", max_length=60, blank=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "招商活动"
        verbose_name_plural = "招商活动"
        ordering = ["zone_id", "-start_date", "id"]

    def __str__(self) -> str:
        return self.name


# --- leads -----------------------------------------------------------------------------------------


class LeadStage(models.TextChoices):
    """招商项目阶段, in order; 终止 can be entered from any stage, with a reason."""

    LEAD = "lead", "线索"
    CONTACT = "contact", "接触"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    REGISTERED = "registered", "注册落地"
    STARTED = "started", "开工"
    PRODUCING = "producing", "投产"
    TERMINATED = "terminated", "终止"


LEAD_STAGE_ORDER = [
    LeadStage.LEAD,
    LeadStage.CONTACT,
    LeadStage.NEGOTIATING,
    LeadStage.SIGNED,
    LeadStage.REGISTERED,
    LeadStage.STARTED,
    LeadStage.PRODUCING,
]


def stage_rank(stage: str) -> int:
    return LEAD_STAGE_ORDER.index(stage) if stage in LEAD_STAGE_ORDER else -1


class Source(models.TextChoices):
    """线索来源."""

    FAIR = "fair", "展会"
    BY_BUSINESS = "by_business", "以商招商"
    ASSOCIATION = "association", "商协会"
    AGENT = "agent", "中介"
    RESIDENT = "resident", "驻外招商"
    DIRECT = "direct", "主动对接"
    SUPERIOR = "superior", "上级推送"


class Lead(models.Model):
    """招商项目（线索）: an investor's intended project, from the first lead to production."""

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="leads"
    )
    code = models.CharField("线索编号", max_length=30)
    name = models.CharField("项目名称", max_length=150)
    # When the lead was first recorded (may precede its entry in zonedesk, e.g. on import).
    opened_on = models.DateField("线索日期", default=timezone.localdate)
    investor_name = models.CharField("投资方", max_length=120)
    investor_credit_code = models.CharField("投资方统一社会信用代码", max_length=18, blank=True)
    # Normalised investor name (see lib.company_key), indexed for the duplicate guard.
    investor_key = models.CharField(max_length=120, editable=False, db_index=True)
    investor_origin = models.CharField(
        "投资方来源地", max_length=30, blank=True, help_text="省份或国家（地区）"
    )
    content = models.TextField("项目内容", blank=True)
    industry_code = models.CharField("行业代码", max_length=4, blank=True)
    node = models.ForeignKey(
        ChainNode,
        verbose_name="产业链节点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    intended_investment = models.DecimalField("意向投资额（万元）", null=True, blank=True, **MONEY)
    land_need_mu = models.DecimalField("用地需求（亩）", **AREA)
    source = models.CharField("线索来源", max_length=12, choices=Source.choices)
    event = models.ForeignKey(
        Event,
        verbose_name="来源活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    team = models.ForeignKey(
        Team,
        verbose_name="负责小分队",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人",
        on_delete=models.PROTECT,
        related_name="owned_leads",
    )
    contact_name = models.CharField("投资方联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_title = models.CharField("联系人职务", max_length=30, blank=True)

    stage = models.CharField(
        "阶段", max_length=12, choices=LeadStage.choices, default=LeadStage.LEAD
    )
    terminated_from = models.CharField(
        "终止前阶段", max_length=12, choices=LeadStage.choices, blank=True
    )
    termination_reason = models.CharField("终止原因", max_length=200, blank=True)

    # 签约: the agreement, recorded once (a project is counted once, at its first signing).
    signed_date = models.DateField("签约日期", null=True, blank=True)
    contract_amount = models.DecimalField("合同投资额（万元）", null=True, blank=True, **MONEY)
    committed_registration = models.DateField("承诺注册日期", null=True, blank=True)
    committed_start = models.DateField("承诺开工日期", null=True, blank=True)
    committed_production = models.DateField("承诺投产日期", null=True, blank=True)
    registered_date = models.DateField("注册落地日期", null=True, blank=True)
    started_date = models.DateField("开工日期", null=True, blank=True)
    producing_date = models.DateField("投产日期", null=True, blank=True)

    project = models.OneToOneField(
        Project,
        verbose_name="重点项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "招商项目"
        ordering = ["zone_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="lead_unique_code_per_zone"),
            models.CheckConstraint(
                condition=~Q(stage="terminated") | ~Q(termination_reason=""),
                name="lead_terminated_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(signed_date__isnull=True) | Q(contract_amount__isnull=False),
                name="lead_signed_needs_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "stage"], name="lead_zone_stage_idx"),
            models.Index(fields=["zone", "signed_date"], name="lead_zone_signed_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rank(self) -> int:
        """How far the lead got (a terminated lead: how far it had got)."""
        return stage_rank(
            self.terminated_from if self.stage == LeadStage.TERMINATED else self.stage
        )

    @property
    def is_signed(self) -> bool:
        return self.signed_date is not None


class FollowUp(models.Model):
    """跟进记录: a visit, meeting, call or trip on a lead — who, where, when, outcome, next step."""

    class Kind(models.TextChoices):
        VISIT = "visit", "走访"
        MEETING = "meeting", "会谈"
        CALL = "call", "电话"
        TRIP = "trip", "外出洽谈"
        HOSTED = "hosted", "来访接待"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="followups")
    kind = models.CharField("方式", max_length=10, choices=Kind.choices)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=60, blank=True)
    participants = models.CharField("参与人员", max_length=200)
    outcome = models.TextField("成果")
    next_step = models.CharField("下一步", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "跟进记录"
        verbose_name_plural = "跟进记录"
        ordering = ["lead_id", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class FundingArrival(models.Model):
    """到位资金: money an investor actually paid in, with its evidence (bank voucher, invoice)."""

    class Kind(models.TextChoices):
        OUT_OF_PROVINCE = "domestic_out", "境内省外"
        IN_PROVINCE = "in_province", "省内"
        FOREIGN = "foreign", "外资"

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="arrivals")
    date = models.DateField("到位日期")
    amount = models.DecimalField("到位金额（万元）", **MONEY)
    kind = models.CharField("资金类别", max_length=12, choices=Kind.choices)
    evidence = models.FileField("凭证", upload_to="investment/evidence/%Y/%m/", blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "到位资金"
        verbose_name_plural = "到位资金"
        ordering = ["lead_id", "date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="arrival_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}万元"


class DuplicateFlag(models.Model):
    """撞单提醒: a lead whose investor matches an earlier lead's. Both owners see it until one of
    them marks it settled (e.g. agreed who follows the investor)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="duplicate_flags")
    other = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="duplicated_by")
    reason = models.CharField("原因", max_length=200)
    score = models.DecimalField("相似度", max_digits=4, decimal_places=3)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField("处理时间", null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_note = models.CharField("处理说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "撞单提醒"
        verbose_name_plural = "撞单提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "other"], name="duplicate_flag_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.lead} ≈ {self.other}"
