"""The app's URL map plus the naive baseline at ``/api/bench/naive-feedbacks`` and the
ceiling, a trivial JSON view, at ``/api/bench/ceiling``.

The baseline comes first: config.urls ends with a catch-all for unknown ``api/`` paths.
"""

from django.conf import settings
from django.http import FileResponse, HttpRequest, JsonResponse
from django.urls import path

from config import urls as app_urls

from .naive import NaiveFeedbackListCreate

naive_view = NaiveFeedbackListCreate.as_view()


def naive_file(request: HttpRequest, name: str) -> FileResponse:
    """Django's FileResponse on a stored file: the media serving baseline (bench.media)."""
    return FileResponse(open(f"{settings.MEDIA_ROOT}/{name}", "rb"))


def ceiling(request: HttpRequest) -> JsonResponse:
    """Django's trivial JSON view: the framework's own ceiling on the same stack."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("api/bench/ceiling", ceiling, name="bench-ceiling"),
    path("api/bench/naive-feedbacks", naive_view, name="bench-naive-feedbacks"),
    path("bench/file/<path:name>", naive_file, name="bench-naive-file"),
    *app_urls.urlpatterns,
]

handler404 = app_urls.handler404
handler500 = app_urls.handler500
