"""Forms of 招商引资: they validate and convert input (money in 万元, dates), nothing more."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zonedesk.accounts.models import Role, User
from zonedesk.forms import DateInput, FigureField, MoneyField
from zonedesk.zones.models import Department, Organisation

from .models import (
    ChainNode,
    Event,
    FollowUp,
    FundingArrival,
    Lead,
    LeadStage,
    Link,
    Source,
    Team,
)


class LeadForm(forms.ModelForm):
    intended_investment = MoneyField(label="意向投资额（万元）", required=False)
    land_need_mu = FigureField(label="用地需求（亩）", unit="亩", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_duplicate = forms.BooleanField(
        label="已知悉疑似撞单，仍然登记（系统将提醒双方负责人）", required=False
    )

    class Meta:
        model = Lead
        fields = [
            "name", "opened_on", "investor_name", "investor_credit_code", "investor_origin", "content",
            "industry_code", "node", "intended_investment", "land_need_mu", "source", "event",
            "team", "owner", "contact_name", "contact_title", "contact_phone",
        ]  # fmt: skip
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "opened_on": DateInput()}

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = ChainNode.objects.filter(chain__zone=zone).select_related(
            "chain"
        )
        self.fields["node"].label_from_instance = lambda n: (
            f"{n.chain.name} · {n.get_link_display()} · {n.name}"
        )
        self.fields["team"].queryset = Team.objects.filter(zone=zone)
        self.fields["event"].queryset = Event.objects.filter(zone=zone)
        self.fields["owner"].queryset = User.objects.filter(
            zone=zone, is_active=True, role__in=[Role.LEADER, Role.DEPUTY, Role.STAFF]
        )
        self.fields["owner"].required = False
        self.fields["owner"].help_text = "留空则为登记人本人"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["confirm_duplicate"]


class LeadFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    zone = forms.TypedChoiceField(label="开发区", required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label="小分队", required=False, coerce=int, empty_value=None)
    chain = forms.TypedChoiceField(label="产业链", required=False, coerce=int, empty_value=None)
    # Set by links from the chain map, the events table and the funnel, not typed.
    node = forms.IntegerField(label="产业链环节", required=False, widget=forms.HiddenInput)
    event = forms.IntegerField(label="招商活动", required=False, widget=forms.HiddenInput)
    stage = forms.ChoiceField(label="阶段", required=False)
    source = forms.ChoiceField(label="来源", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    quarter = forms.IntegerField(
        label="季度", required=False, min_value=1, max_value=4, widget=forms.HiddenInput
    )
    metric = forms.CharField(label="漏斗指标", required=False, widget=forms.HiddenInput)
    flagged = forms.BooleanField(label="仅看撞单提醒", required=False)
    mine = forms.BooleanField(label="仅看我负责的", required=False)

    def __init__(self, *args, zones, teams, chains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", "全部开发区")] + [(z.pk, z.label) for z in zones]
        self.fields["team"].choices = [("", "全部小分队")] + [(t.pk, t.name) for t in teams]
        self.fields["chain"].choices = [("", "全部产业链")] + [(c.pk, c.name) for c in chains]
        self.fields["stage"].choices = [("", "全部阶段")] + list(LeadStage.choices)
        self.fields["source"].choices = [("", "全部来源")] + list(Source.choices)


class FunnelFilterForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label="季度",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "全年"), (1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")],
    )
    zone = forms.TypedChoiceField(label="开发区", required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label="小分队", required=False, coerce=int, empty_value=None)
    chain = forms.TypedChoiceField(label="产业链", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, zones, teams, chains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", "全部开发区")] + [(z.pk, z.label) for z in zones]
        self.fields["team"].choices = [("", "全部小分队")] + [(t.pk, t.name) for t in teams]
        self.fields["chain"].choices = [("", "全部产业链")] + [(c.pk, c.name) for c in chains]

    def clean_year(self):
        return self.cleaned_data["year"] or timezone.localdate().year


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="推进到", choices=LeadStage.choices)
    date = forms.DateField(label="日期", required=False, widget=DateInput())
    note = forms.CharField(label="终止原因", required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SignForm(forms.Form):
    signed_date = forms.DateField(label="签约日期", widget=DateInput())
    contract_amount = MoneyField(label="合同投资额（万元）")
    committed_registration = forms.DateField(
        label="承诺注册日期", required=False, widget=DateInput()
    )
    committed_start = forms.DateField(label="承诺开工日期", required=False, widget=DateInput())
    committed_production = forms.DateField(label="承诺投产日期", required=False, widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["kind", "date", "place", "participants", "outcome", "next_step"]
        widgets = {"date": DateInput(), "outcome": forms.Textarea(attrs={"rows": 2})}


EVIDENCE_TYPES = ("pdf", "ofd", "jpg", "jpeg", "png")
EVIDENCE_MAX_MB = 20


class ArrivalForm(forms.ModelForm):
    amount = MoneyField(label="到位金额（万元）")

    class Meta:
        model = FundingArrival
        fields = ["date", "amount", "kind", "evidence", "note"]
        widgets = {"date": DateInput()}

    def clean_evidence(self):
        """凭证: a bank voucher or invoice as PDF/OFD or a photo, at most 20 MB."""
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return upload
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in EVIDENCE_TYPES:
            raise forms.ValidationError(
                f"凭证应为 {'、'.join(t.upper() for t in EVIDENCE_TYPES)} 文件，“{upload.name}”不是。"
            )
        if upload.size > EVIDENCE_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(f"凭证文件不能超过{EVIDENCE_MAX_MB}MB。")
        head = upload.read(8)
        upload.seek(0)
        looks = {
            "pdf": head.startswith(b"%PDF"),
            "ofd": head.startswith(b"PK"),
            "jpg": head.startswith(b"\xff\xd8"),
            "jpeg": head.startswith(b"\xff\xd8"),
            "png": head.startswith(b"\x89PNG"),
        }
        if not looks[extension]:
            raise forms.ValidationError(f"“{upload.name}”的内容不是{extension.upper()}文件。")
        return upload


class ConvertForm(forms.Form):
    department = forms.ModelChoiceField(label="责任部门", queryset=Department.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(zone=zone)


class SettleForm(forms.Form):
    note = forms.CharField(label="处理说明", max_length=200)


class ChainForm(forms.Form):
    name = forms.CharField(label="产业链名称", max_length=60)
    goal = forms.CharField(label="发展目标", max_length=200, required=False)
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NodeForm(forms.Form):
    name = forms.CharField(label="节点名称", max_length=60)
    link = forms.ChoiceField(label="环节", choices=Link.choices)
    parent = forms.ModelChoiceField(
        label="上级节点", queryset=ChainNode.objects.none(), required=False
    )
    is_weak = forms.BooleanField(label="薄弱环节", required=False)
    weak_reason = forms.CharField(label="薄弱原因", max_length=200, required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = ChainNode.objects.filter(chain=chain)

    def clean_sort_order(self):
        return self.cleaned_data["sort_order"] or 0


class MembershipForm(forms.Form):
    organisation = forms.ModelChoiceField(label="企业", queryset=Organisation.objects.none())
    output = MoneyField(label="年产值（万元）", required=False)
    tax = MoneyField(label="年税收（万元）", required=False)
    above_scale = forms.BooleanField(label="规上", required=False)
    is_chain_leader = forms.BooleanField(label="链主", required=False)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(zone=zone)


class TargetForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=120)
    location = forms.CharField(label="所在地", max_length=60, required=False)
    reason = forms.CharField(label="契合理由", max_length=300, required=False)


class TeamTargetForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    signed_count = forms.IntegerField(label="签约项目数", min_value=0)
    signed_amount = MoneyField(label="签约金额（万元）")
    funds_amount = MoneyField(label="到位资金（万元）")


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "name", "place", "start_date", "end_date", "team", "note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(zone=zone)


class TeamForm(forms.Form):
    name = forms.CharField(label="小分队名称", max_length=60)
    department = forms.ModelChoiceField(
        label="所属部门", queryset=Department.objects.none(), required=False
    )
    leader = forms.ModelChoiceField(label="带队领导", queryset=User.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(
        label="成员",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    focus = forms.CharField(label="主攻方向", max_length=200, required=False)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(zone=zone, is_active=True)
        self.fields["department"].queryset = Department.objects.filter(zone=zone)
        self.fields["leader"].queryset = people.filter(role__in=[Role.LEADER, Role.DEPUTY])
        self.fields["members"].queryset = people.filter(
            role__in=[Role.STAFF, Role.DEPUTY]
        ).order_by("department_id", "id")
