"""Room events from processes that share no channel layer with the servers.

With Redis (``REDIS_URL``) every process reaches every room through the channel layer.
Without it (``make run``: an in-memory layer inside the one server process), a task
worker's ``broadcast`` would reach nobody; with ``ROOM_RELAY_URL`` set (``make run``
sets it for its worker) it posts the message to the server instead, signed with the
shared SECRET_KEY and valid for a minute, and the server broadcasts it into its rooms.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from videoplanet.api.errors import PermissionDenied, error_response

logger = logging.getLogger(__name__)

SALT = "videoplanet.realtime.relay"
MAX_AGE_SECONDS = 60


def relay_send(video_id: UUID | str, message: dict[str, Any]) -> bool:
    """Hand a message to the server at ROOM_RELAY_URL; False (logged) if it did not take it."""
    token = signing.dumps({"video_id": str(video_id), "message": message}, salt=SALT)
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
        settings.ROOM_RELAY_URL,
        data=token.encode(),
        headers={"Content-Type": "text/plain"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return bool(response.status == 204)
    except OSError:
        logger.exception("relaying %s to video %s failed", message.get("type"), video_id)
        return False


@csrf_exempt
@require_POST
def relay_receive(request: HttpRequest) -> HttpResponse:
    """Broadcast a relayed message; 403 unless it was signed with this server's key."""
    from .broadcast import broadcast

    try:
        data = signing.loads(request.body.decode(), salt=SALT, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, UnicodeDecodeError, json.JSONDecodeError):
        return error_response(PermissionDenied("Not a relayed room message."))
    broadcast(data["video_id"], data["message"])
    return HttpResponse(status=204)
