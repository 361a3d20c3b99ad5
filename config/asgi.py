"""ASGI entry point: HTTP and the live video rooms (WebSocket) in one process."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from videoplanet.api.limits import RequestBodyLimit  # noqa: E402
from videoplanet.realtime.auth import BrowserOriginValidator, TokenAuthMiddleware  # noqa: E402
from videoplanet.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # A body over its path's limit is refused before Django reads it (413).
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": BrowserOriginValidator(TokenAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
