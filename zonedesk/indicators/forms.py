"""Forms of the indicator pages: a month's figures, a year's targets, a zone's own indicator."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from zonedesk.lib.values import MONEY_UNITS, ValueParseError, parse_decimal, parse_money

from .models import Assessor, Indicator


class FigureInput(forms.CharField):
    """A figure typed as people type it ("12.5", "１２.５", "-3.2%"); Decimal or None."""

    def __init__(self, *, negative: bool = False, percent: bool = False, unit: str = "", **kw):
        self.negative, self.percent, self.unit = negative, percent, unit
        kw.setdefault("required", False)
        kw.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 9}))
        super().__init__(**kw)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return value

    def to_python(self, value) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            if self.unit in MONEY_UNITS:
                # "1.5亿" in a 万元 series is 15000; a bare number is in the series' own unit.
                wan = parse_money(value, unit=self.unit, max_places=None)
                return (
                    None
                    if wan is None
                    else (wan / Decimal(10) ** (MONEY_UNITS[self.unit] - 4)).normalize()
                )
            return parse_decimal(
                value,
                allow_negative=self.negative,
                allow_percent=self.percent,
                unit=None if self.percent else (self.unit or None),
            )
        except ValueParseError as exc:
            raise forms.ValidationError(exc.message) from exc


class PeriodForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)


class MonthEntryForm(forms.Form):
    """One month's figures: for each indicator published that month, the 1–m月 cumulative value
    and the 同比 growth as published; one source and date for the whole release."""

    source = forms.CharField(label="数据来源", max_length=60, required=False, initial="市统计局")
    published_on = forms.DateField(
        label="发布日期",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args, indicators: list[Indicator], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            v = current.get(ind.pk)
            if ind.has_level:
                self.fields[f"v{ind.pk}"] = FigureInput(
                    label=f"{ind.name}累计值（{ind.unit}）", unit=ind.unit,
                    initial=v.value if v else None,
                )  # fmt: skip
            if ind.has_growth:
                self.fields[f"g{ind.pk}"] = FigureInput(
                    label=f"{ind.name}同比增长（%）", negative=True, percent=True,
                    initial=v.growth if v else None,
                )  # fmt: skip
            self.fields[f"n{ind.pk}"] = forms.CharField(
                label=f"{ind.name}更正说明", max_length=200, required=False,
                initial=v.note if v else "",
                widget=forms.TextInput(attrs={"size": 12, "placeholder": "更正说明"}),
            )  # fmt: skip
            self.fields[f"ver{ind.pk}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=v.version if v else None
            )

    def rows(self):
        for ind in self.indicators:
            yield (
                ind,
                self[f"v{ind.pk}"] if ind.has_level else None,
                self[f"g{ind.pk}"] if ind.has_growth else None,
                self[f"n{ind.pk}"],
                self[f"ver{ind.pk}"],
            )


class TargetsForm(forms.Form):
    """A year's targets: value, growth and weight per indicator and assessor."""

    def __init__(self, *args, indicators: list[Indicator], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            for assessor, _label in Assessor.choices:
                t = current.get((ind.pk, assessor))
                p = f"{assessor}{ind.pk}"
                if ind.has_level:
                    self.fields[f"{p}_value"] = FigureInput(
                        unit=ind.unit, initial=t.target_value if t else None
                    )
                if ind.has_growth:
                    self.fields[f"{p}_growth"] = FigureInput(
                        negative=True, percent=True, initial=t.target_growth if t else None
                    )
                self.fields[f"{p}_weight"] = FigureInput(initial=t.weight if t else None)
                self.fields[f"{p}_ver"] = forms.IntegerField(
                    required=False, widget=forms.HiddenInput, initial=t.version if t else None
                )

    def rows(self):
        for ind in self.indicators:
            cells = []
            for assessor, label in Assessor.choices:
                p = f"{assessor}{ind.pk}"
                cells.append(
                    (
                        label,
                        self[f"{p}_value"] if ind.has_level else None,
                        self[f"{p}_growth"] if ind.has_growth else None,
                        self[f"{p}_weight"],
                        self[f"{p}_ver"],
                    )
                )
            yield ind, cells


class IndicatorForm(forms.ModelForm):
    """A zone's own indicator."""

    class Meta:
        model = Indicator
        fields = [
            "code", "name", "unit", "frequency", "pricing", "kind", "has_level", "has_growth",
            "january_reported", "parent", "sort_order", "headline", "note",
        ]  # fmt: skip

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        self.fields["parent"].queryset = Indicator.objects.filter(
            Q(zone__isnull=True) | Q(zone=zone)
        )

    def validate_unique(self) -> None:
        """Uniqueness of the code is checked by services.indicator_save, in Chinese."""


class ThresholdsForm(forms.Form):
    amber_points = FigureInput(label="完成率落后序时进度多少个百分点以内为黄色", required=True)
    growth_amber_points = FigureInput(label="增速低于目标多少个百分点以内为黄色", required=True)
