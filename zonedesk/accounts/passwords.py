"""Password rule of 等保 2.0 level 3: at least three character classes (the length rule is
Django's MinimumLengthValidator, set to 10 in settings)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    min_classes = 3

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、符号中的三类。", code="password_classes"
            )

    def get_help_text(self) -> str:
        return "密码须至少包含大写字母、小写字母、数字、符号中的三类。"
