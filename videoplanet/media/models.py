"""Uploads in progress. The bytes of an upload live in a local part file (see
``services.upload_part_path``) until the upload is completed; then the file is probed,
moved to storage and becomes a Video, and the Upload row goes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from videoplanet.projects.models import Project, Video


class Upload(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="uploads")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads"
    )
    title = models.CharField(max_length=300)
    version_of = models.ForeignKey(
        Video,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The upload is a new version of this video's stack.",
    )
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(help_text="Declared length in bytes.")
    received = models.PositiveBigIntegerField(default=0, help_text="Bytes stored so far.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.received}/{self.size})"
