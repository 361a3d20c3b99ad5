"""Signed media paths (mounted under MEDIA_URL by config/urls.py)."""

from django.urls import path

from .serving import media_serve

urlpatterns = [
    path("s/<str:token>/<path:name>", media_serve, name="media-signed"),
]
