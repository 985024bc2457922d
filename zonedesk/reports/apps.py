from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "zonedesk.reports"
    label = "reports"
    verbose_name = "调度周报与驾驶舱"
