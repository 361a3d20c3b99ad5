from django.urls import path, re_path

from .consumers import UnknownRouteConsumer, VideoRoomConsumer

websocket_urlpatterns = [
    path("ws/videos/<uuid:video_id>/", VideoRoomConsumer.as_asgi()),
    re_path(r"^.*$", UnknownRouteConsumer.as_asgi()),
]
