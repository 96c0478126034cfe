from django.urls import path  # noqa: F401

from cadres import exports, views

app_name = "cadres"

# Committee pages (compositions, terms, vacancies) and cadre planning pages add their paths here.
urlpatterns: list = []

# --- h-cadpages: the committee page, its forms, the worklist and the export ---------------------------------------
urlpatterns += [
    path("org/<int:pk>/", views.CommitteeView.as_view(), name="committee"),
    path("org/<int:pk>/term/open/", views.OpenTermView.as_view(), name="open_term"),
    path("org/<int:pk>/term/close/", views.CloseTermView.as_view(), name="close_term"),
    path("org/<int:pk>/holders/new/", views.RecordHoldingView.as_view(), name="record_holding"),
    path("org/<int:pk>/appoint/", views.AppointCommitteeView.as_view(), name="appoint"),
    path("holdings/<int:pk>/end/", views.EndHoldingView.as_view(), name="end_holding"),
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("export/<str:fmt>/", exports.CompositionExportView.as_view(), name="export"),
]

# planning (h-cadplan): cadre planning lists and rotations --------------------------------------------------------
from cadres import planning_views  # noqa: E402

urlpatterns += [
    path("planning/", planning_views.PlanningListView.as_view(), name="planning"),
    path("planning/new/", planning_views.PlanMemberView.as_view(), name="planning_create"),
    path("planning/export/<str:fmt>/", planning_views.PlanningExportView.as_view(), name="planning_export"),
    path("planning/<int:pk>/", planning_views.PlanningDetailView.as_view(), name="planning_entry"),
    path("planning/<int:pk>/end/", planning_views.EndPlanningView.as_view(), name="planning_end"),
    path("rotations/", planning_views.RotationListView.as_view(), name="rotations"),
    path("rotations/new/", planning_views.RecordRotationView.as_view(), name="rotation_create"),
    path("rotations/<int:pk>/end/", planning_views.EndRotationView.as_view(), name="rotation_end"),
]
