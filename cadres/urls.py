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
