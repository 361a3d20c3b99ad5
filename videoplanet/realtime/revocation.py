"""Open sockets lose access the moment it is taken away, in every server process.

Deleting a project membership (however: an endpoint, the admin, a project or user
deleted) or an API token (revoked, or its user deleted) sends, after the transaction
commits, an ``access.revoked`` event to the user's channel-layer group, which every
socket of that user joins in whichever process serves it. A socket of that project, or
opened with that token, closes at once (4403 or 4401) and drops anything queued behind.

The event travels through the same channel layer (Redis with several processes) and
into the same per-socket queue as room events, so any event broadcast after the
revocation was sent queues behind it and is never delivered. Checking membership in
the database before delivering each event would cost a query per socket per event, the
fan-out's whole budget. What no deletion announces (a token expiring, a user
deactivated, a video removed) the socket's periodic re-check catches within
``WS_ACCESS_RECHECK_SECONDS``.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_delete

from videoplanet.accounts.models import ApiToken
from videoplanet.projects.models import Membership

logger = logging.getLogger(__name__)

EVENT_TYPE = "access.revoked"


def user_group(user_id: UUID | str) -> str:
    return f"user.{user_id}"


def _send(user_id: UUID | str, event: dict[str, Any]) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(
            user_group(user_id), {"type": EVENT_TYPE, **event}
        )
    except Exception:  # the sockets' periodic re-check still closes them
        logger.exception("telling user %s's sockets about revoked access failed", user_id)


def notify_membership_removed(*, user_id: UUID, project_id: UUID) -> None:
    event = {"reason": "membership", "project_id": str(project_id)}
    transaction.on_commit(lambda: _send(user_id, event))


def notify_token_revoked(*, user_id: UUID, digest: str) -> None:
    event = {"reason": "token", "token_digest": digest}
    transaction.on_commit(lambda: _send(user_id, event))


def _membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    notify_membership_removed(user_id=instance.user_id, project_id=instance.project_id)


def _token_deleted(sender: Any, instance: ApiToken, **kwargs: Any) -> None:
    notify_token_revoked(user_id=instance.user_id, digest=instance.digest)


def connect_signals() -> None:
    post_delete.connect(_membership_deleted, sender=Membership, dispatch_uid="realtime-membership")
    post_delete.connect(_token_deleted, sender=ApiToken, dispatch_uid="realtime-token")
