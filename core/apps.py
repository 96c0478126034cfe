from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import checks, rules  # noqa: F401  (checks registers the system checks)
        from core.services import seed_shipped_rules

        # Each app declares its rule numbers in its own ``rules.py``; migrate writes their shipped versions.
        rules.autodiscover()
        post_migrate.connect(seed_shipped_rules, sender=self, dispatch_uid="core.seed_shipped_rules")

        # Every installed app contributes its menu entries, cards, handlers... from its ``registrations`` module.
        from core.registry import autodiscover

        autodiscover()
