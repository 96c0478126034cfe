from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The data generator (``seed_party``) and the benchmarks: the top layer, it uses every app."""

    name = "bench"
    verbose_name = "Bench"  # no models, shown nowhere (like core)
