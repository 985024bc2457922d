"""Forms of the project register: they only validate and convert input; services decide."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from zonedesk.accounts.models import Role, User
from zonedesk.forms import DateInput, FigureField, MoneyField, MultipleFileField
from zonedesk.lib.uploads import ACCEPT
from zonedesk.zones.models import Department, Organisation, Zone

from .models import Category, FundingSource, Level, Milestone, MilestoneTemplate, Project, Stage
from .selectors import SORTS

DATE_FIELDS = [
    "signed_date", "planned_start", "actual_start", "planned_completion", "actual_completion",
    "planned_production", "actual_production", "full_capacity_date", "statistics_date",
]  # fmt: skip


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    zone = forms.ModelChoiceField(
        label="开发区", queryset=Zone.objects.none(), required=False, empty_label="全部开发区"
    )
    stage = forms.ChoiceField(
        label="阶段", choices=[("", "全部阶段"), *Stage.choices], required=False
    )
    level = forms.ChoiceField(
        label="级别", choices=[("", "全部级别"), *Level.choices], required=False
    )
    category = forms.ChoiceField(
        label="类别", choices=[("", "全部类别"), *Category.choices], required=False
    )
    department = forms.ModelChoiceField(
        label="责任部门", queryset=Department.objects.none(), required=False, empty_label="全部部门"
    )
    lead = forms.ModelChoiceField(
        label="包保领导", queryset=User.objects.none(), required=False, empty_label="全部领导"
    )
    in_statistics = forms.ChoiceField(
        label="入库", choices=[("", "入库不限"), ("1", "已入库"), ("0", "未入库")], required=False
    )
    archived = forms.BooleanField(label="仅看已归档", required=False)
    sort = forms.ChoiceField(label="排序", choices=[(k, k) for k in SORTS], required=False)

    def __init__(self, *args, zones, departments, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
        self.fields["department"].queryset = departments
        self.fields["lead"].queryset = leads


class ProjectForm(forms.ModelForm):
    total_investment = MoneyField(
        label="总投资（万元）", help_text="可填“1.2亿”“3,000万元”或万元数字"
    )
    annual_plan_investment = MoneyField(label="年度计划投资（万元）", required=False)
    land_area_mu = FigureField(label="用地面积（亩）", unit="亩", required=False)
    floor_area_m2 = FigureField(label="建筑面积（㎡）", unit="平方米", required=False)

    class Meta:
        model = Project
        fields = [
            "name", "code", "park", "level", "category", "nature", "transformation",
            "industry_code", "location_code", "total_investment", "annual_plan_investment",
            "land_area_mu", "floor_area_m2", "content", "owner", "implementing_unit",
            "department", "lead_official", "contact_name", "contact_phone",
            "signed_date", "planned_start", "actual_start", "planned_completion",
            "actual_completion", "planned_production", "actual_production",
            "full_capacity_date", "in_statistics", "statistics_date",
        ]  # fmt: skip
        widgets = {name: DateInput() for name in DATE_FIELDS} | {
            "content": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, zone: Zone, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = "留空将自动编号"
        self.fields["park"].queryset = Zone.objects.filter(parent=zone)
        orgs = Organisation.objects.filter(zone=zone)
        self.fields["owner"].queryset = orgs
        self.fields["implementing_unit"].queryset = orgs
        self.fields["department"].queryset = Department.objects.filter(zone=zone)
        self.fields["lead_official"].queryset = User.objects.filter(
            zone=zone, role__in=[Role.LEADER, Role.DEPUTY], is_active=True
        )
        if user.role == Role.STAFF:
            # A department clerk registers projects for their own department.
            self.fields["department"].queryset = Department.objects.filter(pk=user.department_id)
            self.fields["department"].initial = user.department_id
        if user.role == Role.UNIT:
            # A unit edits the figures of its own project but not who is responsible for it.
            for name in (
                "department",
                "lead_official",
                "implementing_unit",
                "owner",
                "level",
                "code",
            ):
                self.fields[name].disabled = True
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}。"
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = (
                    f"{field.label}格式不正确，应为如 2026-03-01 的日期。"
                )

    def clean_annual_plan_investment(self):
        return self.cleaned_data["annual_plan_investment"] or 0


class FundingForm(forms.Form):
    """资金来源: one amount per kind (万元); empty means none."""

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {}
        if project is not None and project.pk:
            current = {row.kind: row.amount for row in project.funding.all()}
        for kind, label in FundingSource.Kind.choices:
            self.fields[f"funding_{kind}"] = MoneyField(label=f"{label}（万元）", required=False)
            self.fields[f"funding_{kind}"].initial = current.get(kind)

    def lines(self):
        return [
            (kind, self.cleaned_data[f"funding_{kind}"])
            for kind in FundingSource.Kind.values
            if self.cleaned_data.get(f"funding_{kind}")
        ]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="变更为", choices=Stage.choices)
    date = forms.DateField(label="该阶段日期", required=False, widget=DateInput())
    note = forms.CharField(label="原因（停缓建/终止必填）", required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="归档原因", max_length=200, error_messages={"required": "请填写归档原因。"}
    )


class MilestoneForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Required by the service only when the planned date moves (调整计划).
    plan_change_reason = forms.CharField(
        label="调整原因",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "修改计划日期时必填"}),
    )

    class Meta:
        model = Milestone
        fields = ["name", "planned_date", "actual_date", "responsible_unit", "note"]
        widgets = {"planned_date": DateInput(), "actual_date": DateInput()}

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Organisation.objects.filter(zone=zone)
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}。"
            field.error_messages["invalid"] = f"{field.label}格式不正确，应为如 2026-03-01 的日期。"


class EvidenceForm(forms.Form):
    files = MultipleFileField(
        label="印证资料", accept=ACCEPT, error_messages={"required": "请选择要上传的文件。"}
    )


class RebaselineForm(forms.Form):
    reason = forms.CharField(
        label="依据",
        max_length=200,
        error_messages={"required": "重定基线须写明依据，如调度会议纪要文号。"},
        widget=forms.TextInput(attrs={"placeholder": "如：第12期大调度会议纪要"}),
    )


class PlanForm(forms.Form):
    template = forms.ModelChoiceField(
        label="节点模板", queryset=MilestoneTemplate.objects.none(), empty_label=None
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MilestoneTemplate.objects.filter(
            category=project.category
        ).filter(Q(zone_id=project.zone_id) | Q(zone__isnull=True))
