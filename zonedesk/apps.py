from django.apps import AppConfig


class ZonedeskConfig(AppConfig):
    """The site itself: base templates, static files, template tags and site-wide commands."""

    name = "zonedesk"
    label = "zonedesk"
    verbose_name = "开发区调度台"
