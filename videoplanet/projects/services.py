"""Writes for projects: create a project, invite people and answer invitations, leave
a project, add videos."""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from videoplanet.accounts.models import User, token_digest
from videoplanet.api.errors import ApiError, NotFound, PermissionDenied, ValidationFailed

from .access import project_access
from .models import MANAGERS, Invitation, InvitationStatus, Membership, Project, Role, Video

logger = logging.getLogger(__name__)

INVITATION_KEY_PREFIX = "vpi_"


@transaction.atomic
def project_create(*, user: User, name: str, id: uuid.UUID | None = None) -> Membership:
    """A new project owned by the caller; ``id`` fixes its id (the provider states')."""
    project = Project.objects.create(name=name, **({"id": id} if id is not None else {}))
    return Membership.objects.create(project=project, user=user, role=Role.OWNER)


class InvitationExpired(ApiError):
    code = "invitation_expired"
    default_message = "This invitation has expired; ask for a new one."


class InvitationUsed(ApiError):
    code = "invitation_used"
    default_message = "This invitation has already been answered."


class LastOwner(ApiError):
    code = "last_owner"
    default_message = "The last owner cannot leave; make someone else an owner first."


def _invitation_key() -> str:
    return INVITATION_KEY_PREFIX + secrets.token_urlsafe(32)


def _invitation_send(invitation: Invitation, key: str) -> None:
    """Email the key (and the web app's link, when INVITATION_URL is set).

    Runs after the invitation is committed. A mail server that is down must not turn an
    invitation that exists into an error: the failure is logged, and inviting the same
    address again sends a fresh key.
    """
    inviter = invitation.invited_by.name if invitation.invited_by else "Someone"
    project = invitation.project.name
    url = settings.INVITATION_URL.format(key=key) if settings.INVITATION_URL else ""
    lines = [
        f'{inviter} invited you to join the project "{project}" on VideoPlanet '
        f"as {invitation.role}.",
        "",
        f"Open {url} to accept or decline." if url else "Accept or decline it in VideoPlanet.",
        f"Invitation key: {key}",
        "",
        f"The invitation expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC. Sign in with "
        f"{invitation.email} to answer it. If you did not expect it, ignore this email.",
    ]
    try:
        send_mail(
            subject=f"{inviter} invited you to {project} on VideoPlanet",
            message="\n".join(lines),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except Exception:
        logger.exception("could not email invitation %s", invitation.pk)


@transaction.atomic
def invitation_create(*, user: User, project_id: uuid.UUID, email: str, role: Role) -> Invitation:
    """Invite an email address to the caller's project (owners and editors).

    The answer is the same whether or not someone has signed up with the address, so
    inviting cannot be used to find out who has an account. Inviting an address that
    has a pending invitation renews it (same id; new key, role and expiry: the old key
    stops working). Only owners may invite owners.
    """
    access = project_access(
        user=user, project_id=project_id, roles=MANAGERS, action="invite people"
    )
    if role == Role.OWNER and access.role != Role.OWNER:
        raise PermissionDenied("Only an owner can invite another owner.")
    email = email.strip().lower()
    project = access.project
    if Membership.objects.filter(project=project, user__email__iexact=email).exists():
        raise ValidationFailed.field("email", "This person is already a member.")
    key = _invitation_key()
    fields = {
        "role": role,
        "invited_by": user,
        "key_digest": token_digest(key),
        "expires_at": timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    }
    pending = project.invitations.select_for_update().filter(
        email=email, status=InvitationStatus.PENDING
    )
    invitation = pending.first()
    if invitation is not None:  # the same invitation, with a new key, role and expiry
        for name, value in fields.items():
            setattr(invitation, name, value)
        invitation.save(update_fields=list(fields))
    else:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(project=project, email=email, **fields)
        except IntegrityError as exc:  # the same address invited concurrently
            raise ValidationFailed.field("email", "This address is being invited already.") from exc
    transaction.on_commit(lambda: _invitation_send(invitation, key))
    return invitation


@transaction.atomic
def invitation_revoke(*, user: User, project_id: uuid.UUID, invitation_id: uuid.UUID) -> None:
    """Withdraw a pending invitation of the caller's project (owners and editors)."""
    access = project_access(
        user=user, project_id=project_id, roles=MANAGERS, action="revoke invitations"
    )
    invitation = access.project.invitations.select_for_update().filter(id=invitation_id).first()
    if invitation is None:
        raise NotFound("Invitation not found.")
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationUsed(f"This invitation was {invitation.status}; it cannot be revoked.")
    invitation.delete()


def _open_invitation(
    *, user: User, key: str | None = None, invitation_id: uuid.UUID | None = None
) -> Invitation:
    """The caller's invitation, locked, if it can still be answered.

    An invitation is the caller's when it was sent to the caller's email address (case
    does not matter); anyone else's is not found, whoever holds its key. Every User has
    a verified email address (sign-up creates the account only once the address is
    confirmed), so matching the address is what proves the invitation reached its owner.
    """
    found = Invitation.objects.select_for_update().select_related("project")
    if key is not None:
        found = found.filter(key_digest=token_digest(key))
    elif invitation_id is not None:
        found = found.filter(id=invitation_id)
    else:
        raise TypeError("key or invitation_id is required")
    invitation = found.filter(email=user.email.lower()).first()
    if invitation is None:
        raise NotFound("Invitation not found.")
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationUsed(f"This invitation was already {invitation.status}.")
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired()
    return invitation


@transaction.atomic
def invitation_accept(
    *, user: User, key: str | None = None, invitation_id: uuid.UUID | None = None
) -> Membership:
    """Join the project with the invited role; someone already a member keeps theirs.

    Only a verified account can accept: every User is verified, because sign-up creates
    the User only after the email address is confirmed.
    """
    invitation = _open_invitation(user=user, key=key, invitation_id=invitation_id)
    membership, _ = Membership.objects.get_or_create(
        project=invitation.project, user=user, defaults={"role": invitation.role}
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    membership.project = invitation.project
    return membership


@transaction.atomic
def invitation_decline(
    *, user: User, key: str | None = None, invitation_id: uuid.UUID | None = None
) -> None:
    invitation = _open_invitation(user=user, key=key, invitation_id=invitation_id)
    invitation.status = InvitationStatus.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])


@transaction.atomic
def membership_leave(*, user: User, project_id: uuid.UUID) -> None:
    """Leave a project. The last owner cannot: a project always keeps an owner.

    The project's owner rows are locked first, so two owners leaving at once cannot both
    see the other still there.
    """
    owners = list(
        Membership.objects.select_for_update()
        .filter(project_id=project_id, role=Role.OWNER)
        .values_list("user_id", flat=True)
    )
    membership = Membership.objects.select_for_update().filter(user=user, project_id=project_id)
    mine = membership.first()
    if mine is None:
        raise NotFound("Project not found.")
    if mine.role == Role.OWNER and owners == [user.pk]:
        raise LastOwner()
    mine.delete()


def video_create(
    *,
    user: User,
    project_id: uuid.UUID,
    title: str,
    url: str,
    duration: float | None = None,
) -> Video:
    access = project_access(user=user, project_id=project_id, roles=MANAGERS, action="add videos")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed.field(
            "url", "Must not contain a user name or password; share a link without them."
        )
    if duration is not None and duration <= 0:
        raise ValidationFailed.field("duration", "Must be greater than 0.")
    return Video.objects.create(project=access.project, title=title, url=url, duration=duration)
