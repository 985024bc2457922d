"""Forms of enterprise services: they validate and convert input; services decide."""

from __future__ import annotations

import json

from django import forms
from django.utils import timezone

from zonedesk.forms import DateInput, FigureField, MoneyField
from zonedesk.lib.uscc import UsccError, validate_uscc
from zonedesk.zones.models import Department, Organisation, Zone

from . import rules
from .models import (
    Certificate,
    Enterprise,
    FinancialInstitution,
    FinancialProduct,
    FinancingNeed,
    MatchmakingEvent,
    Policy,
    ServicePlan,
    ServiceRequest,
)


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    tier = forms.ChoiceField(
        label="已认定", required=False, choices=[("", "资质不限"), *Certificate.Kind.choices]
    )
    candidate = forms.ChoiceField(
        label="可申报", required=False, choices=[("", "可申报不限"), *rules.TIERS.items()]
    )
    grade = forms.ChoiceField(
        label="亩均等级", required=False, choices=[("", "亩均等级不限"), *[(g, g) for g in "ABCDT"]]
    )
    section = forms.ChoiceField(label="行业门类", required=False, choices=[("", "门类不限")])
    park = forms.ModelChoiceField(
        label="园区", queryset=Zone.objects.none(), required=False, empty_label="全部园区"
    )

    def __init__(self, *args, parks, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        self.fields["section"].choices = [("", "门类不限"), *sections]


class CreditCodeField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        try:
            return validate_uscc(value)
        except UsccError as exc:
            raise forms.ValidationError(f"统一社会信用代码有误：{exc.message}。") from exc


class EnterpriseForm(forms.ModelForm):
    name = forms.CharField(label="企业名称", max_length=120)
    credit_code = CreditCodeField(
        label="统一社会信用代码", max_length=40, help_text="18位，系统校验校验位"
    )
    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    registered_capital = MoneyField(label="注册资本（万元）", required=False)
    total_assets = MoneyField(label="资产总额（万元）", required=False)
    land_area_mu = FigureField(label="用地面积（亩）", unit="亩", required=False)
    floor_area_m2 = FigureField(label="建筑面积（㎡）", unit="平方米", required=False)

    class Meta:
        model = Enterprise
        fields = [
            "park", "former_names", "address", "region_code", "industry_code", "size",
            "registered_capital", "founded_on", "production_start", "land_area_mu", "floor_area_m2",
            "tech_staff", "total_assets", "high_tech_income_ratio", "ip_class1", "ip_class2",
            "construction_qualification", "service_department",
        ]  # fmt: skip
        widgets = {"founded_on": DateInput(), "production_start": DateInput()}

    ORG_FIELDS = ("name", "credit_code", "contact_name", "contact_phone")

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = Zone.objects.filter(parent=zone)
        self.fields["service_department"].queryset = Department.objects.filter(zone=zone)
        self.fields["industry_code"].help_text = "GB/T 4754-2017 小类，4位，如 3841"
        if self.instance.pk:
            org = self.instance.organisation
            for name in self.ORG_FIELDS:
                self.initial.setdefault(name, getattr(org, name))

    def split(self) -> tuple[dict, dict]:
        data = {n: self.cleaned_data[n] for n in self.Meta.fields}
        org = {n: self.cleaned_data[n] for n in self.ORG_FIELDS}
        return data, org


class AdoptForm(forms.Form):
    """建档 for an organisation already registered (one identity)."""

    organisation = forms.ModelChoiceField(label="已登记单位", queryset=Organisation.objects.none())
    credit_code = CreditCodeField(
        label="统一社会信用代码", max_length=40, required=False, help_text="单位尚无代码时填写"
    )

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            zone=zone, enterprise__isnull=True
        )


class CertificateForm(forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ["kind", "name", "issuer", "number", "issued_on", "expires_on"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}


class FigureForm(forms.Form):
    period = forms.CharField(label="月份", widget=forms.TextInput(attrs={"type": "month"}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=0)
    output = MoneyField(label="产值（万元）", required=False)
    revenue = MoneyField(label="营业收入（万元）", required=False)
    tax = MoneyField(label="税收（万元）", required=False)
    electricity = FigureField(label="用电量（万千瓦时）", required=False)
    employees = forms.IntegerField(label="从业人员（人）", required=False, min_value=0)
    rd_spending = MoneyField(label="研发投入（万元）", required=False)

    def clean_period(self):
        text = self.cleaned_data["period"].strip()
        try:
            year, month = (
                int(part) for part in text.replace("年", "-").replace("月", "").split("-")[:2]
            )
        except ValueError as exc:
            raise forms.ValidationError("月份格式应为 2026-03。") from exc
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise forms.ValidationError("月份格式应为 2026-03。")
        return year, month

    def values(self) -> dict:
        return {
            n: self.cleaned_data[n]
            for n in ("output", "revenue", "tax", "electricity", "employees", "rd_spending")
        }


class PlanForm(forms.ModelForm):
    class Meta:
        model = ServicePlan
        fields = ["goal", "measures", "department", "deadline"]
        widgets = {"deadline": DateInput(), "measures": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(zone=zone)


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.CharField(label="办结情况", max_length=500)


class RequestForm(forms.ModelForm):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())

    class Meta:
        model = ServiceRequest
        fields = [
            "enterprise",
            "category",
            "description",
            "department",
            "received_on",
            "time_limit_days",
        ]
        widgets = {"received_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, enterprises, zone: Zone, default_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises.select_related("organisation")
        self.fields["enterprise"].label_from_instance = lambda e: e.organisation.name
        self.fields["department"].queryset = Department.objects.filter(zone=zone)
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["time_limit_days"].initial = default_days


class ReplyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reply = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 3}))
    close = forms.BooleanField(label="同时办结", required=False)


class RateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="满意度",
        coerce=int,
        choices=[
            (5, "5 非常满意"),
            (4, "4 满意"),
            (3, "3 基本满意"),
            (2, "2 不满意"),
            (1, "1 非常不满意"),
        ],
    )


class JSONTextField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 16, "class": "code"})

    def prepare_value(self, value):
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"不是合法的JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}。"
            ) from exc


class RuleSetForm(forms.Form):
    effective_from = forms.DateField(label="生效日期", widget=DateInput())
    note = forms.CharField(label="修订说明", max_length=200, required=False)
    data = JSONTextField(label="规则（JSON）")


class PolicyForm(forms.ModelForm):
    conditions = JSONTextField(label="适用条件（JSON）", required=False)

    class Meta:
        model = Policy
        fields = [
            "title",
            "issuer",
            "document_number",
            "benefit",
            "valid_from",
            "valid_to",
            "text",
            "conditions",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "text": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_conditions(self):
        value = self.cleaned_data.get("conditions") or []
        problems = rules.validate_policy_conditions(value)
        if problems:
            raise forms.ValidationError(problems)
        return value


class MuComputeForm(forms.Form):
    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100)
    config = JSONTextField(label="指标、权重与基准（JSON）", required=False)

    def clean_config(self):
        value = self.cleaned_data.get("config")
        if value is None:
            return None
        problems = rules.validate_mu_config(value)
        if problems:
            raise forms.ValidationError(problems)
        return value


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    objection_days = forms.IntegerField(
        label="公示期（工作日）", min_value=1, max_value=30, initial=5
    )


class NeedForm(forms.ModelForm):
    amount = MoneyField(label="需求金额（万元）")

    class Meta:
        model = FinancingNeed
        fields = ["amount", "purpose", "term_months", "collateral", "event"]

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = MatchmakingEvent.objects.filter(zone=zone)


class OutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="结果", choices=FinancingNeed.Status.choices)
    institution = forms.ModelChoiceField(
        label="放款机构", queryset=FinancialInstitution.objects.none(), required=False
    )
    product = forms.ModelChoiceField(
        label="金融产品", queryset=FinancialProduct.objects.none(), required=False
    )
    granted_amount = MoneyField(label="放款金额（万元）", required=False)
    granted_on = forms.DateField(label="放款日期", required=False, widget=DateInput())

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = FinancialInstitution.objects.filter(zone=zone)
        self.fields["product"].queryset = FinancialProduct.objects.filter(
            institution__zone=zone
        ).select_related("institution")


class InstitutionForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=100)
    contact = forms.CharField(label="联系人", max_length=60, required=False)


class ProductForm(forms.ModelForm):
    max_amount = MoneyField(label="最高额度（万元）", required=False)

    class Meta:
        model = FinancialProduct
        fields = ["institution", "name", "max_amount", "rate", "term_months", "collateral"]

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = FinancialInstitution.objects.filter(zone=zone)


class EventForm(forms.ModelForm):
    class Meta:
        model = MatchmakingEvent
        fields = ["title", "date", "place", "enterprises", "institutions"]
        widgets = {"date": DateInput(), "enterprises": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprises"].queryset = Enterprise.objects.filter(zone=zone).select_related(
            "organisation"
        )
        self.fields["enterprises"].label_from_instance = lambda e: e.organisation.name
        self.fields["institutions"].queryset = FinancialInstitution.objects.filter(zone=zone)


class SettingsForm(forms.Form):
    self_reporting = forms.BooleanField(label="允许企业自行填报月度数据", required=False)
    request_days = forms.IntegerField(label="诉求默认办理时限（工作日）", min_value=1, max_value=60)
    expiry_warning_days = forms.IntegerField(
        label="证书到期提前提醒（天）", min_value=1, max_value=365
    )


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label="安排", coerce=lambda v: v == "1", choices=[("0", "放假"), ("1", "调休上班")]
    )
    name = forms.CharField(label="说明", max_length=40, required=False)
