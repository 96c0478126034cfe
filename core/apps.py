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
        # The database cache's table (config/caches.py), made by migrate wherever the cache is the database.
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core.create_cache_table")

        # Every installed app contributes its menu entries, cards, handlers... from its ``registrations`` module.
        from core.registry import autodiscover

        autodiscover()


def create_cache_table(using: str = "default", **kwargs) -> None:
    """``createcachetable`` after ``migrate``: a no-op for Redis or when the table exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
