"""URL map: the versioned API, its OpenAPI document and docs, contract monitoring (the
API, the staff dashboard page) and metrics, admin, signed media, and the Pact
provider-state endpoint when enabled."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from videoplanet.accounts.views import admin_login
from videoplanet.api.errors import api_not_found
from videoplanet.monitoring.apis import metrics
from videoplanet.monitoring.views import contract_dashboard
from videoplanet.realtime.apis import asyncapi_document
from videoplanet.realtime.relay import relay_receive
from videoplanet.webapp.views import app_shell

api_v1: list[URLPattern | URLResolver] = [
    path("", include("videoplanet.accounts.urls")),
    path("", include("videoplanet.projects.urls")),
    path("", include("videoplanet.feedback.urls")),
    path("", include("videoplanet.realtime.urls")),
    path("", include("videoplanet.media.api_urls")),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("asyncapi.json", asyncapi_document, name="asyncapi"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/monitoring/", include("videoplanet.monitoring.urls")),
    path("metrics", metrics, name="metrics"),
    path("monitoring/contracts", contract_dashboard, name="monitoring-dashboard"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="openapi"), name="api-docs"),
    path("internal/rooms/relay", relay_receive, name="room-relay"),
    path("admin/login/", admin_login, name="admin-login"),  # rate-limited
    path("admin/", admin.site.urls),
    re_path(r"^api/", api_not_found),
    # The web app's routes: every other path, except those with their own 404s.
    re_path(
        r"^(?!(?:api|media|ws|admin|monitoring|static|internal|pact)(?:/|$)|metrics(?:/|$))",
        app_shell,
        name="web-app",
    ),
]

# Media only at signed paths (videoplanet.media.signing); the bare path is a 404.
urlpatterns.insert(0, path(settings.MEDIA_URL.lstrip("/"), include("videoplanet.media.urls")))

# The Pact verifier's provider-state callback, only where it is enabled (config.settings.
# provider: a throwaway database on loopback); everywhere else /pact/ is not routed at all.
if settings.PACT_PROVIDER_STATES_ENABLED:
    urlpatterns.insert(0, path("pact/", include("videoplanet.pact.urls")))

handler400 = "videoplanet.api.errors.bad_request"
handler403 = "videoplanet.api.errors.permission_denied"
handler404 = "videoplanet.api.errors.api_not_found"
handler500 = "videoplanet.api.errors.server_error"
