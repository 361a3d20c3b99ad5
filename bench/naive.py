"""The baseline: feedback endpoints as a typical DRF tutorial writes them.

A ``ModelSerializer`` with a nested ``ModelSerializer`` for the author, a generic
``ListCreateAPIView`` filtered by ``?video_id=``, ordered by timestamp and cut at 50
rows, no ``select_related`` (so one extra query per row for its author). Authentication
and permissions are the project defaults (the same bearer token as the real API).

It does less than the real endpoints: no membership check, no cursor, no drawing
validation, no strict input types. That makes it a generous baseline.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics, serializers

from videoplanet.accounts.models import User
from videoplanet.feedback.models import Feedback

PAGE_SIZE = 50


class NaiveUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "name", "email"]
        ref_name = "BenchNaiveUser"


class NaiveFeedbackSerializer(serializers.ModelSerializer):
    author = NaiveUserSerializer(read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "video",
            "timestamp",
            "content",
            "screenshot",
            "drawing_data",
            "priority",
            "status",
            "author",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["screenshot", "status"]
        ref_name = "BenchNaiveFeedback"


class NaiveFeedbackListCreate(generics.ListCreateAPIView):
    """GET ``?video_id=``: the first 50 by timestamp. POST: create one as the caller."""

    serializer_class = NaiveFeedbackSerializer
    schema = None  # a baseline, not part of the API: kept out of /api/v1/openapi.json

    def get_queryset(self) -> QuerySet[Feedback]:
        video_id = self.request.query_params.get("video_id", "")
        return Feedback.objects.filter(video_id=video_id).order_by("timestamp")[:PAGE_SIZE]

    def perform_create(self, serializer: Any) -> None:
        serializer.save(author=self.request.user)
