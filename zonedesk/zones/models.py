"""Zones, their departments and the organisations they work with, plus the national code tables."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

region_code_validator = RegexValidator(
    r"^\d{6}(\d{6})?$", "行政区划代码应为6位（或12位统计用区划代码）数字。"
)


class Zone(models.Model):
    """开发区: a development zone, or a 园区 (park) inside one when `parent` is set."""

    class Kind(models.TextChoices):
        NATIONAL_HIGHTECH = "national_hightech", "国家级高新区"
        NATIONAL_ETDZ = "national_etdz", "国家级经开区"
        PROVINCIAL = "provincial", "省级开发区"
        AGRICULTURE = "agriculture", "农业产业示范区"
        REFORM = "reform", "综改示范区"
        PARK = "park", "园区"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    region_code = models.CharField(
        "行政区划代码", max_length=12, validators=[region_code_validator], blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="所属开发区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parks",
    )
    area_km2 = models.DecimalField(
        "面积（平方公里）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "开发区"
        verbose_name_plural = "开发区"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "开发区不能以自身为上级。"})


class Department(models.Model):
    """部门: a department of a zone's management committee (投资合作促进部, 经济发展部 …)."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField("部门名称", max_length=60)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["zone_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="department_unique_name_per_zone")
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """单位: an organisation that is not a department: 实施单位 (zone-owned companies), 建设单位
    (project owners), enterprises. Keyed by 统一社会信用代码 when it is known."""

    class Kind(models.TextChoices):
        ZONE_COMPANY = "zone_company", "区属国有企业"
        ENTERPRISE = "enterprise", "企业"
        INSTITUTION = "institution", "事业单位"
        GOVERNMENT = "government", "政府部门"
        OTHER = "other", "其他"

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField("单位名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    kind = models.CharField(
        "单位类型", max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE
    )
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["zone_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "name"], name="organisation_unique_name_per_zone"
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="organisation_unique_credit_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """行政区划 (GB/T 2260): county level and above, with the years each code was in use."""

    code = models.CharField("代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("级别", max_length=10)
    province = models.CharField("省级", max_length=30, blank=True)
    in_use = models.BooleanField("在用", default=True)
    valid_from = models.PositiveSmallIntegerField("启用年份", null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField("弃用年份", null=True, blank=True)
    replaced_by = models.CharField("新代码", max_length=60, blank=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Industry(models.Model):
    """国民经济行业分类 (GB/T 4754-2017): 门类 → 大类 → 中类 → 小类."""

    code = models.CharField("代码", max_length=4, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级")  # 1 门类, 2 大类, 3 中类, 4 小类
    parent_code = models.CharField("上级代码", max_length=4, blank=True)
    section = models.CharField("门类", max_length=1)

    class Meta:
        verbose_name = "行业分类"
        verbose_name_plural = "行业分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
