from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "zonedesk.intake"
    label = "intake"
    verbose_name = "Excel 导入导出"
