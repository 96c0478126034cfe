from django.urls import path

from reorg import views
from reorg.choices import ReorgKind

app_name = "reorg"
urlpatterns = [
    path("", views.ReorganizationListView.as_view(), name="list"),
    *[path(f"new/{kind}/", views.ReorganizationCreateView.as_view(), {"kind": kind}, name=f"create_{kind}")
      for kind in ReorgKind.values],
    path("as-of/", views.AsOfView.as_view(), name="as_of"),
    path("<int:pk>/", views.ReorganizationDetailView.as_view(), name="detail"),
    path("<int:pk>/apply/", views.ReorganizationApplyView.as_view(), name="apply"),
    path("<int:pk>/cancel/", views.ReorganizationCancelView.as_view(), name="cancel"),
]
