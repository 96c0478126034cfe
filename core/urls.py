from django.urls import include, path

from core import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("rules/", include("core.rule_urls")),
]
