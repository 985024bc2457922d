from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "zonedesk.zones"
    label = "zones"
    verbose_name = "开发区与组织"
