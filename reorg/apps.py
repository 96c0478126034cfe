from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorgConfig(AppConfig):
    name = "reorg"
    verbose_name = _("Reorganization")
    default_auto_field = "django.db.models.BigAutoField"
