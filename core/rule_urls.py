from django.urls import path

from core import rule_views

app_name = "rules"

urlpatterns = [
    path("", rule_views.RuleListView.as_view(), name="list"),
    path("<rulecode:code>/", rule_views.RuleDetailView.as_view(), name="detail"),
]
