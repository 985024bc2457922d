"""Forms of the dispatch pages: they only validate and convert input; services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from zonedesk.accounts.models import Role, User
from zonedesk.forms import DateInput, FigureField, MoneyField, MultipleFileField
from zonedesk.zones.models import Department

from .models import (
    Blocker,
    BlockerCategory,
    BlockerLevel,
    Colour,
    DispatchSettings,
    MeetingKind,
    MeetingSchedule,
    SupervisionItem,
)
from .photos import clean_photo
from .selectors import FillRow
from .services import ReportInput
from .warnings import RULE_LABELS

TENTH = Decimal("0.1")
FIGURES = ["invested_period", "invested_year", "invested_total", "percent_complete"]
TEXTS = ["image_progress", "problems", "next_plan"]


class BatchReportForm(forms.Form):
    """One form for all of a unit's projects in a period: fields are prefixed p<project id>-."""

    def __init__(self, *args, rows: list[FillRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if row.editable]
        self.project_of: dict[str, object] = {}
        for row in self.rows:
            report, p = row.report, row.prefix
            fields = {
                "invested_period": MoneyField(label="本期完成投资（万元）", required=False),
                "invested_year": MoneyField(label="本年累计完成投资（万元）", required=False),
                "invested_total": MoneyField(label="自开工累计完成投资（万元）", required=False),
                "percent_complete": FigureField(
                    label="工程完成比例（%）", unit="%", required=False
                ),
                "image_progress": forms.CharField(label="形象进度", max_length=200, required=False),
                "problems": forms.CharField(
                    label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2})
                ),
                "next_plan": forms.CharField(
                    label="下期计划", required=False, widget=forms.Textarea(attrs={"rows": 2})
                ),
                "version": forms.IntegerField(widget=forms.HiddenInput, required=False),
                "photos": MultipleFileField(
                    label="现场照片", required=False, accept=".jpg,.jpeg,.png,image/jpeg,image/png"
                ),
            }
            for m in row.milestones:
                fields[f"ms{m.pk}"] = forms.DateField(
                    label=f"节点“{m.name}”实际完成日期", required=False, widget=DateInput()
                )
            for name, fld in fields.items():
                key = f"{p}-{name}"
                self.fields[key] = fld
                self.project_of[key] = row.project
                if report is not None and name in FIGURES + TEXTS:
                    fld.initial = getattr(report, name)
                elif name.startswith("ms"):
                    fld.initial = row.reached.get(int(name[2:]))
            self.fields[f"{p}-version"].initial = report.version if report else 0

    def fields_for(self, row: FillRow) -> dict | None:
        """The bound fields of one row, grouped for the template; None for a read-only row."""
        if not row.editable:
            return None
        p = row.prefix
        return {
            "figures": [self[f"{p}-{name}"] for name in FIGURES],
            "texts": [self[f"{p}-{name}"] for name in TEXTS],
            "milestones": [(m, self[f"{p}-ms{m.pk}"]) for m in row.milestones],
            "photos": self[f"{p}-photos"],
            "version": self[f"{p}-version"],
        }

    def clean(self):
        data = super().clean()
        for row in self.rows:
            key = f"{row.prefix}-photos"
            cleaned = []
            for upload in data.get(key) or []:
                try:
                    cleaned.append(clean_photo(upload))
                except ValidationError as exc:
                    self.add_error(key, exc.messages[0])
            data[key] = cleaned
        return data

    def inputs(self) -> list[ReportInput]:
        data = self.cleaned_data
        result = []
        for row in self.rows:
            p = row.prefix
            values = {name: data.get(f"{p}-{name}") for name in FIGURES + TEXTS}
            for name in TEXTS:
                values[name] = (values[name] or "").strip()
            percent = values["percent_complete"]
            if percent is not None and percent == percent.quantize(TENTH):
                values["percent_complete"] = percent.quantize(TENTH)  # "35%" arrives as 35.00
            milestones = {
                m.pk: data[f"{p}-ms{m.pk}"] for m in row.milestones if data.get(f"{p}-ms{m.pk}")
            }
            result.append(
                ReportInput(
                    project=row.project,
                    values=values,
                    milestones=milestones,
                    photos=data.get(f"{p}-photos") or [],
                    expected_version=data.get(f"{p}-version") or 0,
                )
            )
        return result

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service keys errors "<project id>.<field>"; put each on the row's field."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for key, messages in exc.message_dict.items():
            pk, _, name = key.partition(".")
            if name.startswith("milestone_"):
                name = "ms" + name.removeprefix("milestone_")
            target = f"p{pk}-{name}"
            for message in messages:
                self.add_error(target if target in self.fields else None, message)

    def summary(self) -> list[str]:
        """Every error as one line naming the project and the field."""
        lines = list(self.non_field_errors())
        for key, errors in self.errors.items():
            if key == "__all__":
                continue
            project, label = self.project_of.get(key), self.fields[key].label
            for message in errors:
                lines.append(
                    message
                    if message.startswith("项目“")
                    else f"项目“{project}”的{label}：{message}"
                )
        return lines


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写退回原因。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


RULE_CHOICES = list(RULE_LABELS.items())


class SettingsForm(forms.ModelForm):
    red_rules = forms.MultipleChoiceField(
        label="按红色预警的规则（其余为黄色）",
        choices=RULE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DispatchSettings
        fields = [
            "period_kind", "deadline_weekday", "deadline_hour", "deadline_days_after",
            "lag_points", "missed_periods", "milestone_grace_days", "blocker_days", "red_rules",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for fld in self.fields.values():
            fld.error_messages["required"] = f"请填写{fld.label}。"
            fld.error_messages["invalid"] = f"{fld.label}格式不正确。"


class WarningFilterForm(forms.Form):
    colour = forms.ChoiceField(
        label="预警等级", choices=[("", "全部等级"), *Colour.choices], required=False
    )
    department = forms.ModelChoiceField(
        label="责任部门", queryset=Department.objects.none(), required=False, empty_label="全部部门"
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


# --- 要素保障、调度会、督办 -----------------------------------------------------------------------


def _chinese_errors(form: forms.Form) -> None:
    for fld in form.fields.values():
        fld.error_messages["required"] = f"请填写{fld.label}。"
        fld.error_messages["invalid"] = f"{fld.label}格式不正确。"
        fld.error_messages.setdefault("invalid_choice", f"{fld.label}的选项无效。")


def _leaders(zone_id: int):
    return User.objects.filter(
        zone_id=zone_id, role__in=[Role.LEADER, Role.DEPUTY], is_active=True
    ).order_by("role", "id")


class BlockerForm(forms.ModelForm):
    """提出 (or change) a blocker on a project page."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Blocker
        fields = ["category", "description", "department", "lead_official", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput(),
        }

    def __init__(self, *args, zone_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(zone_id=zone_id)
        self.fields["lead_official"].queryset = _leaders(zone_id)
        self.fields["lead_official"].label_from_instance = lambda u: (
            f"{u.name}（{u.get_role_display()}）"
        )
        self.fields["lead_official"].empty_label = "（项目包保领导）"
        self.fields["department"].required = False
        self.fields["department"].empty_label = "（项目责任部门）"
        _chinese_errors(self)

    def validate_unique(self):  # the service validates the whole record
        pass

    def _post_clean(self):  # no model validation here: the service names the problems
        pass

    def data_for_service(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        return data


BLOCKER_STATUS_CHOICES = [
    ("", "全部状态"),
    ("active", "未解决（待解决+推进中）"),
    *Blocker.Status.choices,
]


class BlockerFilterForm(forms.Form):
    category = forms.ChoiceField(
        label="类别", choices=[("", "全部类别"), *BlockerCategory.choices], required=False
    )
    status = forms.ChoiceField(label="状态", choices=BLOCKER_STATUS_CHOICES, required=False)
    level = forms.TypedChoiceField(
        label="层级",
        choices=[("", "全部层级"), *BlockerLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    department = forms.ModelChoiceField(
        label="责任部门", queryset=Department.objects.none(), required=False, empty_label="全部部门"
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)
    awaiting = forms.BooleanField(label="待我确认升级", required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class VersionNoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VersionReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写原因。"},
    )


class EscalateForm(VersionNoteForm):
    deadline = forms.DateField(
        label="新的解决时限（可选）",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "新的解决时限格式不正确。"},
    )


class ScheduleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    webhook_url = forms.URLField(
        label="群机器人 Webhook 地址",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"size": 80}),
    )

    class Meta:
        model = MeetingSchedule
        fields = [
            "small_weekday", "large_weekday", "large_week_parity", "small_skips_large_weeks",
            "small_chair", "large_chair", "office_department", "remind_days_before",
            "webhook_kind", "webhook_url", "webhook_secret",
        ]  # fmt: skip
        widgets = {"webhook_secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, zone_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("small_chair", "large_chair"):
            self.fields[name].queryset = _leaders(zone_id)
            self.fields[name].label_from_instance = lambda u: f"{u.name}（{u.get_role_display()}）"
        self.fields["office_department"].queryset = Department.objects.filter(zone_id=zone_id)
        _chinese_errors(self)

    def _post_clean(self):
        pass


class MeetingNewForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    date = forms.DateField(label="会议日期", widget=DateInput())
    chair = forms.ModelChoiceField(
        label="主持人", queryset=User.objects.none(), required=False, empty_label="（待定）"
    )

    def __init__(self, *args, zone_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _leaders(zone_id)
        _chinese_errors(self)


class MeetingForm(forms.Form):
    """The meeting's facts and, on "保存纪要", the discussion of each agenda item (fields
    discussion-<item id>, read by the view)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label="会议日期", widget=DateInput())
    chair = forms.ModelChoiceField(
        label="主持人", queryset=User.objects.none(), required=False, empty_label="（待定）"
    )
    location = forms.CharField(label="地点", max_length=100, required=False)
    attendees = forms.CharField(
        label="参会人员", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label="会议纪要（总体）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, zone_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _leaders(zone_id)
        _chinese_errors(self)


class AgendaAddForm(forms.Form):
    title = forms.CharField(label="议程事项", max_length=200)
    reason = forms.CharField(label="上会原因", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_errors(self)


class DecisionForm(forms.Form):
    agenda_item = forms.IntegerField(widget=forms.HiddenInput, required=False)
    content = forms.CharField(
        label="议定事项", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    department = forms.ModelChoiceField(label="承办部门", queryset=Department.objects.none())
    deadline = forms.DateField(label="办结时限", widget=DateInput())

    def __init__(self, *args, zone_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(zone_id=zone_id)
        _chinese_errors(self)


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label="反馈内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    request_completion = forms.BooleanField(label="已办结，申请会议办公室确认", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_errors(self)


SUPERVISION_STATUS_CHOICES = [
    ("", "全部状态"),
    ("active", "未办结"),
    *SupervisionItem.Status.choices,
]


class SupervisionFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=SUPERVISION_STATUS_CHOICES, required=False)
    department = forms.ModelChoiceField(
        label="承办部门", queryset=Department.objects.none(), required=False, empty_label="全部部门"
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)
    mine = forms.BooleanField(label="本部门承办", required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
