from django.urls import path

from lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("", views.LifecycleHomeView.as_view(), name="home"),
    path("admissions/", views.AdmissionListView.as_view(), name="admissions"),
    path("admissions/new/", views.AdmissionCreateView.as_view(), name="admission_create"),
    path("admissions/<int:pk>/", views.AdmissionDetailView.as_view(), name="admission"),
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("members/<int:pk>/", views.MemberLifecycleView.as_view(), name="member"),
    path("members/<int:pk>/recognition/", views.RecognitionView.as_view(), name="recognition"),
    path("members/<int:pk>/leave/", views.LeavingView.as_view(), name="leave"),
    path("members/<int:pk>/exemption/", views.ExemptionView.as_view(), name="exemption"),
    path("members/<int:pk>/transfer/", views.TransferView.as_view(), name="transfer"),
    path("transfers/", views.LetterListView.as_view(), name="letters"),
    path("transfers/bulk/", views.BulkTransferView.as_view(), name="bulk_transfer"),
    path("transfers/<int:pk>/", views.LetterDetailView.as_view(), name="letter"),
    path("badges/", views.BadgeView.as_view(), name="badges"),
    path("targets/", views.TargetView.as_view(), name="targets"),
]
