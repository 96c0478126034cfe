"""The router each app's ``api/urls.py`` uses; ``config/api_urls.py`` includes them all under ``/api/``."""

from rest_framework.routers import DefaultRouter


class AppRouter(DefaultRouter):
    """DRF's default router (format suffixes included) without its own root view: the API has one root,
    built in ``config/api_urls.py`` from every app's router."""

    include_root_view = False

    def __init__(self) -> None:
        super().__init__(use_regex_path=False)
