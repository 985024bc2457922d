from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "zonedesk.investment"
    label = "investment"
    verbose_name = "招商引资"

    def ready(self) -> None:
        # The lead, follow-up and funding sheets join the Excel import pipeline (intake REGISTRY),
        # and a key project's start and production dates move its lead's stage forward.
        from zonedesk.dispatch.services import register_commitment_source

        from . import sheets, signals  # noqa: F401
        from .selectors import commitment_warnings

        # A signed lead's missed committed dates turn its key project amber (签约承诺未兑现).
        register_commitment_source(commitment_warnings)
