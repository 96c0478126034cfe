from django.urls import path

from exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.ExchangeHomeView.as_view(), name="home"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("template/<str:fmt>/", views.TemplateDownloadView.as_view(), name="template"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]
