"""Projects group videos and people; a membership's role decides what a person may do.

People join a project by accepting an invitation sent to their email address; nobody is
made a member without their consent."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


# Who may do what. Owners and editors manage (videos, members, anyone's feedback);
# reviewers post feedback, comments and reactions; viewers only read.
MANAGERS = frozenset({Role.OWNER, Role.EDITOR})
CONTRIBUTORS = frozenset({Role.OWNER, Role.EDITOR, Role.REVIEWER})


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} is {self.role} of {self.project_id}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Invitation(models.Model):
    """An offer of a role in a project, sent to an email address.

    Only the SHA-256 digest of its key is stored; the key itself is in the email. It can
    be answered once, until ``expires_at``; revoking it deletes it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Lower-cased.")
    role = models.CharField(max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    key_digest = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["email", "status"], name="invitation_email_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "email"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} invited as {self.role} to {self.project_id}"


class VideoStatus(models.TextChoices):
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Video(models.Model):
    """A video under review: either a link to a file elsewhere (``url``) or an uploaded
    file kept in storage (``source``), made playable by the media worker."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="videos")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=2000)
    duration = models.FloatField(null=True, blank=True, help_text="Length in seconds.")
    fps = models.CharField(
        max_length=32,
        blank=True,
        default="",
        help_text="Frame rate as an exact rational, e.g. 24000/1001; empty when unknown.",
    )
    frame_count = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=VideoStatus.choices, default=VideoStatus.READY)
    failure_reason = models.CharField(max_length=500, blank=True, default="")
    # Storage names (videoplanet.media): the uploaded original, what players get (the
    # original when browsers play it, else a proxy), the poster, the timeline stills.
    source = models.CharField(max_length=255, blank=True, default="")
    playback = models.CharField(max_length=255, blank=True, default="")
    poster = models.CharField(max_length=255, blank=True, default="")
    thumbnails = models.JSONField(
        default=list, blank=True, help_text="[{time: seconds, name: storage name}, ...]"
    )
    probe = models.JSONField(
        default=dict, blank=True, help_text="Container, codecs and audio, as probed."
    )
    # Versions: the cuts of one video share a stack; version 1 is the first.
    stack_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stack_id", "version"], name="video_unique_version"),
        ]

    def __str__(self) -> str:
        return self.title
