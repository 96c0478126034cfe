from django.urls import include, path

from core import pickers, views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("rules/", include("core.rule_urls")),
    path("pick/organizations/", pickers.OrganizationPickView.as_view(), name="pick-organizations"),
    path("pick/members/", pickers.MemberPickView.as_view(), name="pick-members"),
]
