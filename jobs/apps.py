from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Handlers register themselves on import: load every installed app's ``jobs_handlers`` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("job_handlers")
