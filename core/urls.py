from django.urls import include, path

from accounts import views as account_views
from core import views

# ``login``, ``logout`` and ``password_change`` carry no namespace: settings.LOGIN_URL = "login".
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("rules/", include("core.rule_urls")),
]
