from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zonedesk.dispatch"
    label = "dispatch"
    verbose_name = "调度"
