from django.apps import AppConfig


class PeersConfig(AppConfig):
    """对标情报: numbers read from reports and news, saved with their source, and peer zones."""

    name = "zonedesk.peers"
    verbose_name = "对标情报"
