"""Form fields shared by every module: money and figures typed the way people type them."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from zonedesk.lib.values import ValueParseError, parse_decimal, parse_money


class MoneyField(forms.CharField):
    """金额 in 万元. Accepts "1.2亿", "3,000万元", "12000" (万元), full-width digits and Chinese
    numerals; returns a Decimal in 万元 rounded to two decimals."""

    def __init__(self, *, unit: str = "万元", **kwargs):
        self.unit = unit
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return value

    def to_python(self, value) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_money(value, unit=self.unit)
        except ValueParseError as exc:
            raise forms.ValidationError(exc.message, code="money") from exc
        if amount is None:
            return None
        return amount.quantize(Decimal("0.01"))


class FigureField(forms.CharField):
    """A non-money figure (亩, ㎡), typed with or without its unit."""

    def __init__(self, *, unit: str | None = None, **kwargs):
        self.unit = unit
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return value

    def to_python(self, value) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_decimal(value, unit=self.unit)
        except ValueParseError as exc:
            raise forms.ValidationError(exc.message, code="figure") from exc
        return None if number is None else number.quantize(Decimal("0.01"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form: forms.Form, exc) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    that field, otherwise at the top, prefixed with the field's label."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    labels = {}
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        labels = {f.name: str(f.verbose_name) for f in model._meta.fields}
    for field, messages in exc.message_dict.items():
        for message in messages:
            if field in form.fields and not form.fields[field].disabled:
                form.add_error(field, message)
            elif field == "__all__":
                form.add_error(None, message)
            else:
                label = labels.get(field, field)
                form.add_error(None, message if label in message else f"{label}：{message}")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one picker; `accept` filters what the picker offers (the server still
    checks each file's content)."""

    def __init__(self, *args, accept: str = "", **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []
