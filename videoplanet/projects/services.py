"""Writes for projects: create a project, add members, add videos."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from videoplanet.accounts.models import User
from videoplanet.api.errors import PermissionDenied, ValidationFailed

from .models import MANAGERS, Membership, Project, Role, Video
from .selectors import role_require


@transaction.atomic
def project_create(*, user: User, name: str) -> Membership:
    project = Project.objects.create(name=name)
    return Membership.objects.create(project=project, user=user, role=Role.OWNER)


@transaction.atomic
def member_add(*, membership: Membership, email: str, role: Role) -> Membership:
    """Add a registered user (by email) to the caller's project with a role."""
    role_require(membership.role, MANAGERS, "manage members")
    if role == Role.OWNER and membership.role != Role.OWNER:
        raise PermissionDenied("Only an owner can add another owner.")
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise ValidationFailed.field("email", "No user with this email.")
    try:
        with transaction.atomic():
            return Membership.objects.create(project=membership.project, user=user, role=role)
    except IntegrityError as exc:
        raise ValidationFailed.field("email", "This user is already a member.") from exc


def video_create(
    *, membership: Membership, title: str, url: str, duration: float | None = None
) -> Video:
    role_require(membership.role, MANAGERS, "add videos")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed.field(
            "url", "Must not contain a user name or password; share a link without them."
        )
    if duration is not None and duration <= 0:
        raise ValidationFailed.field("duration", "Must be greater than 0.")
    return Video.objects.create(project=membership.project, title=title, url=url, duration=duration)
