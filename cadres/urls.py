from django.urls import path  # noqa: F401

app_name = "cadres"

# Committee pages (compositions, terms, vacancies) and cadre planning pages add their paths here.
urlpatterns: list = []
