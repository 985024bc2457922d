"""Forms of the ledger pages: campaigns, items and the steps of an item's life."""

from __future__ import annotations

from django import forms

from zonedesk.forms import MultipleFileField
from zonedesk.lib.uploads import ACCEPT
from zonedesk.zones.models import Department, Organisation

from .models import Campaign, LedgerItem

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name", "theme", "source", "lead_department", "start", "end", "publicity_required",
            "publicity_days", "description",
        ]  # fmt: skip
        widgets = {"start": DATE, "end": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = Department.objects.filter(zone=zone)

    def validate_unique(self) -> None:
        """Checked by services.campaign_save, in Chinese."""


class ItemForm(forms.ModelForm):
    class Meta:
        model = LedgerItem
        fields = [
            "number", "problem", "place", "enterprise", "category", "source", "found_on",
            "responsible_department", "responsible_unit", "responsible_person",
            "supervising_department", "measures", "deadline_class", "deadline",
        ]  # fmt: skip
        widgets = {
            "found_on": DATE,
            "deadline": DATE,
            "problem": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        depts = Department.objects.filter(zone=zone)
        orgs = Organisation.objects.filter(zone=zone)
        self.fields["responsible_department"].queryset = depts
        self.fields["supervising_department"].queryset = depts
        self.fields["responsible_unit"].queryset = orgs
        self.fields["enterprise"].queryset = orgs
        self.fields["number"].required = False
        self.fields["found_on"].required = False
        self.fields["number"].help_text = "留空自动编号"

    def validate_unique(self) -> None:
        """Checked by services, in Chinese."""


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CheckForm(NoteForm):
    passed = forms.TypedChoiceField(
        label="核查结论",
        choices=[("1", "通过"), ("0", "未通过（继续挂账）")],
        coerce=lambda v: v == "1",
    )


class EvidenceForm(forms.Form):
    files = MultipleFileField(
        label="佐证材料", accept=ACCEPT, error_messages={"required": "请选择要上传的文件。"}
    )


class StatsForm(forms.Form):
    period = forms.ChoiceField(label="统计期间", required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "全部")] + [
            (k, label) for k, label, _s, _e in periods
        ]
