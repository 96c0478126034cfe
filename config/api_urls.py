"""The REST API: the root listing, then every installed app's own ``api/urls.py``, found by discovery.

An app's ``api/urls.py`` defines ``urlpatterns`` (usually its ``router.urls``) and, to appear in the root
listing, its ``router``. Paths are those the app registers, under ``/api/``.
"""

from importlib import import_module
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.urls import include, path
from django.utils.module_loading import module_has_submodule
from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns


def app_api_modules() -> list[ModuleType]:
    """The ``api.urls`` module of each of the project's installed apps, in ``INSTALLED_APPS`` order."""
    found = []
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR) or not module_has_submodule(config.module, "api"):
            continue
        api = import_module(f"{config.name}.api")
        if module_has_submodule(api, "urls"):
            found.append(import_module(f"{config.name}.api.urls"))
    return found


modules = [import_module("core.api_urls"), *app_api_modules()]  # core is no app with an api/ package
root = DefaultRouter(use_regex_path=False)
for module in modules:
    if hasattr(module, "router"):
        root.registry.extend(module.router.registry)

urlpatterns = format_suffix_patterns([path("", root.get_api_root_view(), name="api-root")])
urlpatterns += [path("", include(module)) for module in modules]
