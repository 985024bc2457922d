from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zonedesk.accounts"
    label = "accounts"
    verbose_name = "用户与审计"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login / failed-login audit rows)
