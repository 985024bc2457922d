from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "zonedesk.ledgers"
    label = "ledgers"
    verbose_name = "问题整改台账"

    def ready(self) -> None:
        from zonedesk.intake.sheets import register

        from .sheets import LedgerItemSheet

        register(LedgerItemSheet())
        # Overdue items go on the dispatch meetings' agenda.
        from zonedesk.dispatch.agenda import register_source

        from .agenda import overdue_items_source

        register_source(overdue_items_source)
