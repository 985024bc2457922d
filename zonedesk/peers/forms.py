"""Forms of 对标情报: reading a document, saving one fact, a peer zone, the comparison."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from zonedesk.zones.models import Zone

from . import services
from .models import Figure, SuggestedChange


class ReadForm(forms.Form):
    """Paste text or upload a file; one of the two."""

    name = forms.CharField(label="文档名称", max_length=200, required=False)
    published_on = forms.DateField(
        label="发布日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "发布日期格式应为 2026-03-01。"},
    )
    text = forms.CharField(
        label="粘贴文本",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "粘贴工作报告、调度通报或新闻稿的正文"}
        ),
    )
    file = forms.FileField(
        label="或上传文件",
        required=False,
        help_text=".txt、.docx 或带文字层的 .pdf",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf"}),
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if upload is None and not text.strip():
            raise ValidationError("文本为空，请粘贴报告或新闻的正文，或上传文件。")
        if upload is not None:
            if upload.size > services.max_upload_bytes():
                raise ValidationError(
                    f"文件“{upload.name}”有 {upload.size / 1048576:.1f} MB，超过 "
                    f"{services.max_upload_bytes() // 1048576} MB 的上限。"
                )
            data["text"] = services.text_of_upload(upload.name, upload.read())
            data["origin"] = "upload"
            data["name"] = data.get("name") or upload.name
        else:
            data["text"] = services.check_text(text)
            data["origin"] = "paste"
            data["name"] = data.get("name") or text.strip().splitlines()[0][:40]
        return data


ACTIONS = [
    ("value", "保存为完成值"),
    ("target", "保存为目标值"),
    ("suggest", "建议修改项目"),
]


class FactForm(forms.Form):
    """What to do with one fact: save it as a figure of a zone (ours or a peer), or suggest it
    as a change to a key project."""

    char_start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    action = forms.ChoiceField(label="保存为", choices=ACTIONS)
    zone = forms.ChoiceField(label="开发区", required=False)
    measure = forms.CharField(label="指标", max_length=60, required=False)
    year = forms.IntegerField(
        label="年份", required=False, error_messages={"invalid": "年份应为数字。"}
    )
    month = forms.IntegerField(
        label="月份", required=False, error_messages={"invalid": "月份应为数字。"}
    )
    project = forms.ChoiceField(label="项目", required=False)
    field = forms.ChoiceField(
        label="字段",
        required=False,
        choices=[
            ("", "—"),
            ("重点项目", list(SuggestedChange.PROJECT_FIELDS.items())),
            ("招商项目", list(SuggestedChange.LEAD_FIELDS.items())),
        ],
    )

    def __init__(self, *args, zone_choices, project_choices, lead_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = zone_choices
        # One list: key projects as "p<id>", investment leads as "l<id>".
        choices = [("", "—"), ("重点项目", project_choices)]
        if lead_choices:
            choices.append(("招商项目", list(lead_choices)))
        self.fields["project"].choices = choices

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in ("value", "target"):
            if not data.get("zone"):
                self.add_error("zone", "请选择这条数据属于哪个开发区。")
            if not (data.get("measure") or "").strip():
                self.add_error("measure", "请填写指标名称。")
            if not data.get("year"):
                self.add_error("year", "请填写年份。")
        elif action == "suggest":
            target, field = data.get("project") or "", data.get("field")
            if not target:
                self.add_error("project", "请选择要建议修改的项目。")
            if not field:
                self.add_error("field", "请选择要修改的字段。")
            elif target.startswith("p") and field not in SuggestedChange.PROJECT_FIELDS:
                self.add_error("field", "重点项目没有这个字段，请选择总投资、年度计划投资或面积。")
            elif target.startswith("l") and field not in SuggestedChange.LEAD_FIELDS:
                self.add_error("field", "招商项目没有这个字段，请选择意向投资额或用地需求。")
        return data

    @property
    def kind(self) -> str:
        return Figure.Kind.TARGET if self.cleaned_data["action"] == "target" else Figure.Kind.VALUE


class PeerForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=Zone.Kind.choices, initial="other")
    region = forms.CharField(label="所在地区", max_length=60, required=False)


class CompareForm(forms.Form):
    zones = forms.MultipleChoiceField(
        label="开发区", required=False, widget=forms.CheckboxSelectMultiple
    )
    measures = forms.MultipleChoiceField(
        label="指标", required=False, widget=forms.CheckboxSelectMultiple
    )
    year = forms.TypedChoiceField(label="年份", coerce=int, required=False)

    def __init__(self, *args, zone_choices, measure_choices, year_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].choices = zone_choices
        self.fields["measures"].choices = [(m, m) for m in measure_choices]
        years = year_choices or [timezone.localdate().year]
        self.fields["year"].choices = [(y, f"{y}年") for y in years]
