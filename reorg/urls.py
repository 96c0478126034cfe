from django.urls import path

from reorg import views

app_name = "reorg"
urlpatterns = [
    path("", views.ReorganizationListView.as_view(), name="list"),
    path("new/<str:kind>/", views.ReorganizationCreateView.as_view(), name="create"),
    path("as-of/", views.AsOfView.as_view(), name="as_of"),
    path("<int:pk>/", views.ReorganizationDetailView.as_view(), name="detail"),
    path("<int:pk>/apply/", views.ReorganizationApplyView.as_view(), name="apply"),
    path("<int:pk>/cancel/", views.ReorganizationCancelView.as_view(), name="cancel"),
]
