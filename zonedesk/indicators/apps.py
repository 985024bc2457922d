from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "zonedesk.indicators"
    label = "indicators"
    verbose_name = "经济运行指标"

    def ready(self) -> None:
        # The statistics bureau's sheet plugs into the import pipeline (zonedesk.intake).
        from zonedesk.intake.sheets import register

        from .sheets import IndicatorValueSheet

        register(IndicatorValueSheet())
