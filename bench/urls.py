"""The app's URL map plus the naive baseline at ``/api/bench/naive-feedbacks``.

The baseline comes first: config.urls ends with a catch-all for unknown ``api/`` paths.
"""

from django.urls import path

from config import urls as app_urls

from .naive import NaiveFeedbackListCreate

naive_view = NaiveFeedbackListCreate.as_view()

urlpatterns = [
    path("api/bench/naive-feedbacks", naive_view, name="bench-naive-feedbacks"),
    *app_urls.urlpatterns,
]

handler404 = app_urls.handler404
handler500 = app_urls.handler500
