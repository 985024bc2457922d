from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zonedesk.enterprises"
    verbose_name = "企业服务"

    def ready(self) -> None:
        # Import sheets (monthly figures, enterprises) plug into the intake pipeline's registry.
        # Overdue requests go onto the dispatch meetings' agenda.
        from zonedesk.dispatch import agenda

        from . import sheets  # noqa: F401
        from .selectors import overdue_requests_agenda

        agenda.register_source(overdue_requests_agenda)
