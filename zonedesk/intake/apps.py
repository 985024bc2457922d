from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "zonedesk.intake"
    label = "intake"
    verbose_name = "Excel 导入导出"

    def ready(self) -> None:
        # The progress-report sheet builds on dispatch, so it registers once every app is loaded.
        from .progress import ProgressReportSheet
        from .sheets import register

        register(ProgressReportSheet())
