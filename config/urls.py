from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("members/", include("members.urls")),
    path("reorg/", include("reorg.urls")),
    path("lifecycle/", include("lifecycle.urls")),
    path("cadres/", include("cadres.urls")),
    path("audit/", include("audit.urls")),
    path("jobs/", include("jobs.urls")),
    path("exchange/", include("exchange.urls")),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.PARTYWORK_BENCH_HTTP:  # the HTTP bench's throughput baseline, never mounted otherwise
    from bench.views import bare

    urlpatterns.append(path("bench/bare/", bare, name="bench-bare"))
