from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.OrganizationTreeView.as_view(), name="tree"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="detail"),
    path("<int:pk>/children/", views.OrganizationChildrenView.as_view(), name="children"),
    path("<int:pk>/edit/", views.OrganizationEditView.as_view(), name="edit"),
    path("<int:pk>/new/", views.OrganizationCreateChildView.as_view(), name="create_child"),
]
