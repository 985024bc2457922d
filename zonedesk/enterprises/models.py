"""Enterprise services (企业服务): one file per enterprise (一企一档), certificates and tiers,
monthly figures, 亩均 evaluations, requests (诉求), policies (惠企政策) and bank matchmaking
(银企对接).

An `Enterprise` is the enterprise side of a `zones.Organisation` (one identity: the organisation
that owns a project or is an investor is the same row the enterprise file extends).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from zonedesk.zones.models import Department, Organisation, Zone

from .rules import TIERS

MONEY = {"max_digits": 14, "decimal_places": 2}


class EnterpriseSettings(models.Model):
    """企业服务设置: per zone. `self_reporting` lets an enterprise's own user (a 项目单位填报员
    whose organisation is the enterprise) enter its monthly figures."""

    zone = models.OneToOneField(Zone, on_delete=models.CASCADE, related_name="enterprise_settings")
    self_reporting = models.BooleanField("允许企业自行填报月度数据", default=False)
    request_days = models.PositiveSmallIntegerField("诉求默认办理时限（工作日）", default=5)
    expiry_warning_days = models.PositiveSmallIntegerField("证书到期提醒（天）", default=90)

    class Meta:
        verbose_name = "企业服务设置"
        verbose_name_plural = "企业服务设置"

    def __str__(self) -> str:
        return f"{self.zone} 企业服务设置"


class Enterprise(models.Model):
    """一企一档: the file of one enterprise, keyed by its organisation's 统一社会信用代码."""

    class Size(models.TextChoices):
        LARGE = "large", "大型"
        MEDIUM = "medium", "中型"
        SMALL = "small", "小型"
        MICRO = "micro", "微型"

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, primary_key=True, related_name="enterprise"
    )
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="enterprises")
    park = models.ForeignKey(
        Zone,
        verbose_name="所在园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    former_names = models.CharField(
        "曾用名", max_length=300, blank=True, help_text="多个以“；”分隔"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    region_code = models.CharField("注册地区划代码", max_length=12, blank=True)
    industry_code = models.CharField("行业代码（小类）", max_length=4, blank=True)
    size = models.CharField("企业规模", max_length=10, choices=Size.choices, blank=True)
    registered_capital = models.DecimalField("注册资本（万元）", null=True, blank=True, **MONEY)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    production_start = models.DateField("投产日期", null=True, blank=True)
    land_area_mu = models.DecimalField(
        "用地面积（亩）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    floor_area_m2 = models.DecimalField(
        "建筑面积（㎡）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Figures the tier rules need that monthly reports do not carry (declared by the firm).
    tech_staff = models.PositiveIntegerField("科技人员（人）", null=True, blank=True)
    total_assets = models.DecimalField("资产总额（万元）", null=True, blank=True, **MONEY)
    high_tech_income_ratio = models.DecimalField(
        "高新技术产品（服务）收入占比（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    ip_class1 = models.PositiveIntegerField("Ⅰ类知识产权（项）", null=True, blank=True)
    ip_class2 = models.PositiveIntegerField("Ⅱ类知识产权（项）", null=True, blank=True)
    construction_qualification = models.BooleanField("具备建筑业资质", default=False)
    service_department = models.ForeignKey(
        Department,
        verbose_name="服务部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "企业档案"
        verbose_name_plural = "企业档案"
        ordering = ["zone_id", "organisation__name"]
        indexes = [models.Index(fields=["zone", "industry_code"], name="ent_zone_industry_idx")]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def division(self) -> str:
        """大类 (first two digits of the 小类)."""
        return self.industry_code[:2]


class Certificate(models.Model):
    """资质与证书: a tier, label or platform an enterprise holds, with issuer, number and dates."""

    class Kind(models.TextChoices):
        FOUR_ABOVE = "four_above", "四上企业（规上/限上）"
        HIGH_TECH = "high_tech", "高新技术企业"
        TECH_SME = "tech_sme", "科技型中小企业"
        INNOVATIVE_SME = "innovative_sme", "创新型中小企业"
        SPECIALISED = "specialised", "专精特新中小企业"
        LITTLE_GIANT = "little_giant", "专精特新“小巨人”"
        CHAIN_LEADER = "chain_leader", "链主企业"
        LISTED = "listed", "上市公司"
        PLATFORM_DOCTOR = "platform_doctor", "博士创新站"
        PLATFORM_ACADEMICIAN = "platform_academician", "院士专家工作站"
        PLATFORM_PROVINCIAL_RD = "platform_provincial_rd", "省级研发机构"
        OTHER = "other", "其他"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField("类别", max_length=30, choices=Kind.choices)
    name = models.CharField("名称/说明", max_length=100, blank=True)
    issuer = models.CharField("认定机构", max_length=100, blank=True)
    number = models.CharField("证书编号", max_length=60, blank=True)
    issued_on = models.DateField("认定日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "资质证书"
        verbose_name_plural = "资质证书"
        ordering = ["enterprise_id", "kind", "-issued_on"]
        indexes = [models.Index(fields=["expires_on"], name="ent_cert_expiry_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="certificate_expiry_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    def is_valid_on(self, day) -> bool:
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= day)


assert set(TIERS) <= set(Certificate.Kind.values)


class MonthlyFigure(models.Model):
    """月度经营数据: one month's own values (当月值, not year-to-date) for one enterprise."""

    class Source(models.TextChoices):
        FORM = "form", "表单录入"
        IMPORT = "import", "Excel导入"
        SELF = "self", "企业自报"
        API = "api", "接口"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(
        "年份", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        "月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    output = models.DecimalField("产值（万元）", null=True, blank=True, **MONEY)
    revenue = models.DecimalField("营业收入（万元）", null=True, blank=True, **MONEY)
    tax = models.DecimalField("税收（万元）", null=True, blank=True, **MONEY)
    electricity = models.DecimalField(
        "用电量（万千瓦时）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField("从业人员（人）", null=True, blank=True)
    rd_spending = models.DecimalField("研发投入（万元）", null=True, blank=True, **MONEY)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.FORM)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "月度经营数据"
        verbose_name_plural = "月度经营数据"
        ordering = ["enterprise_id", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "month"], name="monthly_figure_once"
            ),
            models.CheckConstraint(
                condition=models.Q(output__gte=0) | models.Q(output__isnull=True),
                name="figure_output_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(revenue__gte=0) | models.Q(revenue__isnull=True),
                name="figure_revenue_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"


class RuleSet(models.Model):
    """梯度培育规则: a zone's tier thresholds as versioned JSON with an effective date. The newest
    version in effect on a date applies; none at all means the defaults of DOMAIN.md §3."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="tier_rule_sets")
    version = models.PositiveIntegerField("版本")
    effective_from = models.DateField("生效日期")
    data = models.JSONField("规则")
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "梯度培育规则"
        verbose_name_plural = "梯度培育规则"
        ordering = ["zone_id", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "version"], name="ruleset_version_once")
        ]

    def __str__(self) -> str:
        return f"规则第{self.version}版（{self.effective_from}起）"


class CalendarDay(models.Model):
    """节假日调整: an official day off or make-up working day the calendar package does not know
    yet (next year's notice), entered by a leader. Applies to every zone."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班")
    name = models.CharField("说明", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'}"


class ServicePlan(models.Model):
    """一企一策: a plan for one firm — goals, measures, a responsible department and a deadline —
    tracked until it is closed."""

    class Status(models.TextChoices):
        OPEN = "open", "推进中"
        CLOSED = "closed", "已办结"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="plans")
    goal = models.CharField("培育目标", max_length=200)
    measures = models.TextField("措施")
    department = models.ForeignKey(
        Department, verbose_name="责任部门", on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("完成时限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    result = models.TextField("办结情况", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "一企一策"
        verbose_name_plural = "一企一策"
        ordering = ["status", "deadline"]

    def __str__(self) -> str:
        return self.goal


class MuEvaluation(models.Model):
    """亩均效益评价: one zone's evaluation of one year: its configuration (indicators, weights,
    benchmarks, bands), draft → published for objection → final."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "公示中"
        FINAL = "final", "已发布"

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="mu_evaluations")
    year = models.PositiveSmallIntegerField("评价年度")
    config = models.JSONField("指标与权重")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    objection_until = models.DateField("异议截止", null=True, blank=True)
    finalised_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "亩均效益评价"
        verbose_name_plural = "亩均效益评价"
        ordering = ["zone_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["zone", "year"], name="mu_evaluation_once")]

    def __str__(self) -> str:
        return f"{self.year}年度亩均效益评价"


class MuResult(models.Model):
    """One firm's result in an evaluation: score, grade (A/B/C/D, T = not evaluated and why)."""

    class Grade(models.TextChoices):
        A = "A", "A类（优先发展）"
        B = "B", "B类（鼓励提升）"
        C = "C", "C类（帮扶转型）"
        D = "D", "D类（倒逼整治）"
        T = "T", "T类（不参评）"

    evaluation = models.ForeignKey(MuEvaluation, on_delete=models.CASCADE, related_name="results")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="mu_results")
    grade = models.CharField("等级", max_length=1, choices=Grade.choices)
    score = models.DecimalField("得分", max_digits=8, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    reason = models.CharField("不参评原因", max_length=200, blank=True)
    breakdown = models.JSONField("分项", default=list, blank=True)
    objection = models.TextField("异议", blank=True)

    class Meta:
        verbose_name = "亩均评价结果"
        verbose_name_plural = "亩均评价结果"
        ordering = ["evaluation_id", "rank", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "enterprise"], name="mu_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.grade}"


class ServiceRequest(models.Model):
    """企业诉求: what a firm asks of the zone, who handles it and by when (working days)."""

    class Category(models.TextChoices):
        LAND = "land", "用地"
        FINANCE = "finance", "融资"
        TALENT = "talent", "人才用工"
        APPROVAL = "approval", "审批手续"
        POLICY = "policy", "政策兑现"
        ENERGY = "energy", "水电气暖"
        INFRA = "infra", "基础设施"
        MARKET = "market", "市场开拓"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="requests")
    category = models.CharField("诉求类别", max_length=10, choices=Category.choices)
    description = models.TextField("诉求内容")
    department = models.ForeignKey(
        Department, verbose_name="承办部门", on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField("受理日期")
    time_limit_days = models.PositiveSmallIntegerField("办理时限（工作日）", default=5)
    due_on = models.DateField("办结期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField("答复", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        "满意度", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "企业诉求"
        verbose_name_plural = "企业诉求"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="ent_request_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:30]}"


class Policy(models.Model):
    """惠企政策: a policy with its benefit, validity and conditions as structured rules over the
    firm's data (see rules.POLICY_FACTS)."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="policies")
    title = models.CharField("政策名称", max_length=150)
    issuer = models.CharField("发文机关", max_length=100)
    document_number = models.CharField("文号", max_length=60, blank=True)
    text = models.TextField("政策原文/摘要", blank=True)
    benefit = models.CharField("支持内容", max_length=300)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_to = models.DateField("有效期至", null=True, blank=True)
    conditions = models.JSONField("适用条件", default=list, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "惠企政策"
        verbose_name_plural = "惠企政策"
        ordering = ["zone_id", "-valid_from", "id"]

    def __str__(self) -> str:
        return self.title


class FinancialInstitution(models.Model):
    """金融机构: a bank or other lender the zone works with."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="financial_institutions")
    name = models.CharField("机构名称", max_length=100)
    contact = models.CharField("联系人", max_length=60, blank=True)

    class Meta:
        verbose_name = "金融机构"
        verbose_name_plural = "金融机构"
        ordering = ["zone_id", "name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="institution_once")]

    def __str__(self) -> str:
        return self.name


class FinancialProduct(models.Model):
    """金融产品: a loan product (科技贷, 税易贷 …)."""

    institution = models.ForeignKey(
        FinancialInstitution, on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField("产品名称", max_length=100)
    max_amount = models.DecimalField("最高额度（万元）", null=True, blank=True, **MONEY)
    rate = models.CharField("利率", max_length=40, blank=True)
    term_months = models.PositiveSmallIntegerField("最长期限（月）", null=True, blank=True)
    collateral = models.CharField("担保方式", max_length=100, blank=True)

    class Meta:
        verbose_name = "金融产品"
        verbose_name_plural = "金融产品"

    def __str__(self) -> str:
        return f"{self.institution.name}·{self.name}"


class MatchmakingEvent(models.Model):
    """银企对接会: an event with the firms and banks present."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="matchmaking_events")
    title = models.CharField("活动名称", max_length=150)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name="参会企业", blank=True, related_name="events"
    )
    institutions = models.ManyToManyField(
        FinancialInstitution, verbose_name="参会金融机构", blank=True, related_name="events"
    )

    class Meta:
        verbose_name = "银企对接活动"
        verbose_name_plural = "银企对接活动"
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title


class FinancingNeed(models.Model):
    """融资需求 and its outcome: amount asked, purpose, term and collateral; then the lender, the
    amount granted and the date."""

    class Status(models.TextChoices):
        OPEN = "open", "对接中"
        GRANTED = "granted", "已放款"
        DECLINED = "declined", "未获批"
        WITHDRAWN = "withdrawn", "企业撤回"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="financing_needs"
    )
    amount = models.DecimalField("需求金额（万元）", **MONEY)
    purpose = models.CharField("用途", max_length=200)
    term_months = models.PositiveSmallIntegerField("期限（月）", null=True, blank=True)
    collateral = models.CharField("可提供担保", max_length=100, blank=True)
    event = models.ForeignKey(
        MatchmakingEvent,
        verbose_name="对接活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    institution = models.ForeignKey(
        FinancialInstitution,
        verbose_name="放款机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.ForeignKey(
        FinancialProduct,
        verbose_name="金融产品",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_amount = models.DecimalField("放款金额（万元）", null=True, blank=True, **MONEY)
    granted_on = models.DateField("放款日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "融资需求"
        verbose_name_plural = "融资需求"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="financing_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose}（{self.amount}万元）"
