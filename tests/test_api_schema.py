"""The published OpenAPI schema tells the truth about what the API answers.

The fuzzer (test_api_fuzz.py) finds a lie only where the data happens to show it; this test reads every
serializer of the project: a read-only field whose value comes through a nullable relation or a nullable column
must be declared nullable (``allow_null``), and an email that may be empty must not be documented as an email only.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

PROJECT_APPS = [a for a in settings.INSTALLED_APPS if "." not in a and a not in {"rest_framework"}]


def _project_serializers() -> list[type[serializers.ModelSerializer]]:
    for app in PROJECT_APPS:
        try:
            package = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
            importlib.import_module(f"{app}.api.{info.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted({c for c in subclasses(serializers.ModelSerializer)
                   if c.__module__.split(".")[0] in PROJECT_APPS and getattr(getattr(c, "Meta", None), "model", None)},
                  key=lambda c: c.__qualname__)


def _may_be_null(model: type[models.Model], source: str) -> bool:
    """Whether following ``source`` from ``model`` can end in None (a nullable relation or column on the way)."""
    for part in source.split("."):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a method or property: its own annotation speaks for it
        if getattr(field, "null", False):
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def test_nullable_values_are_declared_nullable():
    found = _project_serializers()
    assert len(found) >= 8, "suspiciously few serializers found"
    lies = []
    for serializer_class in found:
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            if not field.read_only or field.source == "*" or isinstance(field, serializers.ManyRelatedField):
                continue
            if _may_be_null(model, field.source) and not field.allow_null:
                lies.append(f"{serializer_class.__module__}.{serializer_class.__qualname__}.{name} "
                            f"(source {field.source}) can be null but is not declared allow_null")
    assert not lies, "\n".join(lies)


@pytest.mark.django_db
def test_the_schema_does_not_promise_an_email_where_it_may_be_empty():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    user = schema["components"]["schemas"]["User"]["properties"]["email"]
    assert user.get("format") != "email", user
    assert any(option.get("format") == "email" for option in user.get("oneOf", [])), user
    assert any(option.get("maxLength") == 0 for option in user.get("oneOf", [])), user
