from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """The data generator (``seed_party``) and the benchmarks: the top layer, it uses every app."""

    name = "bench"
    verbose_name = _("Data generator and benchmarks")
