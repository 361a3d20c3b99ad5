"""Everything about a call except doing the I/O, shared by ``Client`` and ``AsyncClient``.

Each operation is a builder returning a ``Call``: method, URL, query, JSON body and the
parser that turns the response into a model. ``finish`` is the one place that maps a
response to a result or an exception, and ``retry_delay`` the one place that decides
whether (and after how long) to try again; the two clients only send and sleep.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote
from uuid import UUID

import httpx

from ._backoff import Backoff
from ._errors import (
    Timeout,
    TransportError,
    UnexpectedResponse,
    error_from_response,
    parse_retry_after,
)
from ._models import (
    Comment,
    Feedback,
    Invitation,
    Json,
    Member,
    Project,
    Reactions,
    RealtimeTicket,
    Session,
    TokenInfo,
    Upload,
    User,
    Video,
    get_reactions,
    json_list,
)
from ._version import __version__

T = TypeVar("T")
Id = str | UUID
"""Ids are accepted as ``str`` or ``uuid.UUID`` and always returned as ``str``."""

API_PREFIX = "/api/v1"
USER_AGENT = f"videoplanet-client/{__version__}"
# Who is calling, for the server's per-consumer usage counts (the name of the SDK's pact).
X_CLIENT = f"VideoPlanet-Python-SDK/{__version__}"

# Methods whose repetition has the same effect as one call. POST and PATCH are never
# repeated: a lost answer does not prove the server did nothing.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER = 60.0  # seconds; a server asking for longer gets a RateLimited/ServerError
HTTP_BACKOFF = Backoff(base=0.25, factor=2.0, cap=4.0)


def api_root(base_url: str) -> str:
    """The server's root URL: ``http://host:8000`` (a trailing ``/api/v1`` is dropped)."""
    root = base_url.strip().rstrip("/")
    if root.endswith(API_PREFIX):
        root = root[: -len(API_PREFIX)]
    url = httpx.URL(root)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
    return root


def default_headers(token: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT, "X-Client": X_CLIENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


# -- the call ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One HTTP request and how to read its successful response."""

    method: str
    url: str
    """Relative to ``<base_url>/api/v1/``, or absolute (a ``Link`` to the next page)."""
    parse: Callable[[httpx.Response], T]
    params: Mapping[str, str | int | float] | None = None
    json: Json | None = None
    gone_means_done: bool = False
    """A retried DELETE that finds the object gone succeeded on an earlier attempt."""
    content: bytes | None = None
    """A raw body (an upload's part), sent as ``application/octet-stream``."""

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS

    def build(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        if self.content is not None:
            return http.build_request(
                self.method,
                self.url,
                params=self.params,
                content=self.content,
                headers={"Content-Type": "application/octet-stream"},
            )
        headers = {"Content-Type": "application/json"} if self.json is not None else None
        return http.build_request(
            self.method, self.url, params=self.params, json=self.json, headers=headers
        )


def finish(call: Call[T], response: httpx.Response, *, attempt: int) -> T:
    """The result of a call from its final response, or the exception it stands for."""
    if response.status_code == 404 and call.gone_means_done and attempt > 0:
        return call.parse(response)
    if response.status_code >= 400:
        raise error_from_response(response)
    try:
        return call.parse(response)
    except ValueError as exc:  # JSONDecodeError is a ValueError too
        raise UnexpectedResponse(
            f"{call.method} {response.request.url} answered {response.status_code} with a "
            f"body the SDK cannot read: {exc}",
            response=response,
        ) from exc


def retryable_transport_error(exc: httpx.TransportError) -> bool:
    """Network trouble worth another try (not a bad URL or a proxy misconfiguration)."""
    return isinstance(exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError)


def retry_delay(
    call: Call[Any],
    *,
    attempt: int,
    retries: int,
    response: httpx.Response | None = None,
    error: httpx.TransportError | None = None,
    backoff: Backoff = HTTP_BACKOFF,
) -> float | None:
    """Seconds to wait before trying ``call`` again, or None to stop here.

    Only idempotent calls are retried, at most ``retries`` times: after a network error
    or timeout, and after 429, 502, 503 or 504, waiting what ``Retry-After`` says when
    the server said it (up to MAX_RETRY_AFTER) and the backoff schedule otherwise.
    """
    if not call.idempotent or attempt >= retries:
        return None
    if error is not None:
        return backoff.delay(attempt) if retryable_transport_error(error) else None
    if response is None or response.status_code not in RETRY_STATUSES:
        return None
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if retry_after is None:
        return backoff.delay(attempt)
    return retry_after if retry_after <= MAX_RETRY_AFTER else None


def transport_error(exc: httpx.TransportError) -> TransportError:
    kind = Timeout if isinstance(exc, httpx.TimeoutException) else TransportError
    try:
        where = f" ({exc.request.method} {exc.request.url})"
    except RuntimeError:  # raised before a request was attached
        where = ""
    return kind(f"{type(exc).__name__}{where}: {exc}")


# -- parsers -------------------------------------------------------------------------------


def _one(model: Callable[[Json], T]) -> Callable[[httpx.Response], T]:
    def parse(response: httpx.Response) -> T:
        body = response.json()
        if not isinstance(body, Mapping):
            raise ValueError("expected an object")
        return model(body)

    return parse


def _many(model: Callable[[Json], T]) -> Callable[[httpx.Response], list[T]]:
    def parse(response: httpx.Response) -> list[T]:
        return [model(item) for item in json_list(response.json())]

    return parse


def _no_content(response: httpx.Response) -> None:
    return None


def _reactions(response: httpx.Response) -> Reactions:
    return get_reactions(response.json(), "reactions")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next: Call[Page[T]] | None = field(default=None)


def _pages(model: Callable[[Json], T]) -> Callable[[httpx.Response], Page[T]]:
    """A paged list's parser: its items, and the call for the ``Link`` header's next page."""

    def parse(response: httpx.Response) -> Page[T]:
        items = [model(item) for item in json_list(response.json())]
        url = next_page_url(response.headers.get("link"), response.request.url)
        return Page(items, Call("GET", url, parse) if url else None)

    return parse


_video_page = _pages(Video.from_json)
_feedback_page = _pages(Feedback.from_json)
_comment_page = _pages(Comment.from_json)


# -- pagination ----------------------------------------------------------------------------

_LINK = re.compile(r'<(?P<url>[^>]*)>(?P<params>(?:[^,<"]|"[^"]*")*)')
_LINK_PARAM = re.compile(
    r';\s*(?P<key>[A-Za-z0-9!#$&+.^_`|~-]+)\s*=\s*(?:"(?P<q>[^"]*)"|(?P<t>[^;\s]*))'
)


def parse_link_next(header: str | None) -> str | None:
    """The target of the ``rel="next"`` link in an RFC 8288 ``Link`` header, if any."""
    if not header:
        return None
    for match in _LINK.finditer(header):
        for param in _LINK_PARAM.finditer(match["params"]):
            if param["key"].lower() != "rel":
                continue
            rels = (param["q"] if param["q"] is not None else param["t"]).lower().split()
            if "next" in rels:
                return match["url"].strip()
    return None


def next_page_url(header: str | None, request_url: httpx.URL) -> str | None:
    """The absolute URL of the next page, kept on the origin the token was sent to.

    A relative link is resolved against the request. A link to another origin (a proxy
    that rewrote the Host) keeps only its path and query: the token never leaves.
    """
    link = parse_link_next(header)
    if link is None:
        return None
    target = request_url.join(link)
    if (target.scheme, target.host, target.port) != (
        request_url.scheme,
        request_url.host,
        request_url.port,
    ):
        target = request_url.copy_with(raw_path=target.raw_path)
    return str(target)


# -- request bodies ------------------------------------------------------------------------

_IMAGE_SIGNATURES: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("image/png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ("image/webp", lambda b: len(b) >= 12 and b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
)


def image_mime_type(data: bytes) -> str:
    """The MIME type of PNG, JPEG or WebP bytes, told by their magic bytes."""
    for mime, matches in _IMAGE_SIGNATURES:
        if matches(data):
            return mime
    raise ValueError("screenshot bytes are not a PNG, JPEG or WebP image")


def screenshot_data_url(screenshot: bytes | str) -> str:
    """Bytes become a base64 data URL of their sniffed type; a string is sent as given."""
    if isinstance(screenshot, str):
        return screenshot
    mime = image_mime_type(screenshot)
    return f"data:{mime};base64,{base64.b64encode(screenshot).decode('ascii')}"


def _compact(**fields: Any) -> dict[str, Any]:
    """The fields that were given (not None)."""
    return {key: value for key, value in fields.items() if value is not None}


def _path_id(value: Id) -> str:
    return quote(str(value), safe="")


# -- operations ----------------------------------------------------------------------------


def auth_token(*, email: str, password: str) -> Call[Session]:
    return Call(
        "POST", "auth/token", _one(Session.from_json), json={"email": email, "password": password}
    )


def auth_register(*, name: str, email: str, password: str) -> Call[None]:
    body = {"name": name, "email": email, "password": password}
    return Call("POST", "auth/register", _no_content, json=body)


def auth_verify_email(*, key: str, password: str) -> Call[Session]:
    body = {"key": key, "password": password}
    return Call("POST", "auth/verify", _one(Session.from_json), json=body)


def auth_sign_out() -> Call[None]:
    return Call("DELETE", "auth/token", _no_content)


def auth_tokens_list() -> Call[list[TokenInfo]]:
    return Call("GET", "auth/tokens", _many(TokenInfo.from_json))


def auth_token_revoke(token_id: int) -> Call[None]:
    if isinstance(token_id, bool) or not isinstance(token_id, int):
        raise TypeError("token_id is the integer id auth.list_tokens() gives")
    return Call("DELETE", f"auth/tokens/{token_id}", _no_content, gone_means_done=True)


def me() -> Call[User]:
    return Call("GET", "me", _one(User.from_json))


def realtime_ticket_create(*, video_id: Id | None = None) -> Call[RealtimeTicket]:
    body = _compact(video_id=str(video_id) if video_id is not None else None)
    return Call("POST", "realtime/tickets", _one(RealtimeTicket.from_json), json=body)


def projects_list() -> Call[list[Project]]:
    return Call("GET", "projects", _many(Project.from_json))


def projects_create(*, name: str) -> Call[Project]:
    return Call("POST", "projects", _one(Project.from_json), json={"name": name})


def projects_get(project_id: Id) -> Call[Project]:
    return Call("GET", f"projects/{_path_id(project_id)}", _one(Project.from_json))


def projects_members(project_id: Id) -> Call[list[Member]]:
    return Call("GET", f"projects/{_path_id(project_id)}/members", _many(Member.from_json))


def projects_leave(project_id: Id) -> Call[None]:
    return Call(
        "DELETE", f"projects/{_path_id(project_id)}/members/me", _no_content, gone_means_done=True
    )


def projects_invite(project_id: Id, *, email: str, role: str) -> Call[Invitation]:
    return Call(
        "POST",
        f"projects/{_path_id(project_id)}/invitations",
        _one(Invitation.from_json),
        json={"email": email, "role": role},
    )


def projects_invitations(project_id: Id) -> Call[list[Invitation]]:
    return Call("GET", f"projects/{_path_id(project_id)}/invitations", _many(Invitation.from_json))


def projects_revoke_invitation(project_id: Id, invitation_id: Id) -> Call[None]:
    path = f"projects/{_path_id(project_id)}/invitations/{_path_id(invitation_id)}"
    return Call("DELETE", path, _no_content, gone_means_done=True)


def invitations_list() -> Call[list[Invitation]]:
    return Call("GET", "invitations", _many(Invitation.from_json))


def invitations_accept(*, key: str | None = None, invitation_id: Id | None = None) -> Call[Project]:
    if key is not None and invitation_id is None:
        return Call("POST", "invitations/accept", _one(Project.from_json), json={"key": key})
    if invitation_id is None or key is not None:
        raise TypeError("pass either key or invitation_id")
    return Call("POST", f"invitations/{_path_id(invitation_id)}/accept", _one(Project.from_json))


def invitations_decline(*, key: str | None = None, invitation_id: Id | None = None) -> Call[None]:
    if key is not None and invitation_id is None:
        return Call("POST", "invitations/decline", _no_content, json={"key": key})
    if invitation_id is None or key is not None:
        raise TypeError("pass either key or invitation_id")
    return Call("POST", f"invitations/{_path_id(invitation_id)}/decline", _no_content)


def videos_list(*, project_id: Id, page_size: int | None = None) -> Call[Page[Video]]:
    """The first page; each page's ``next`` is the call for the one after it."""
    params = _compact(project_id=str(project_id), limit=page_size)
    return Call("GET", "videos", _video_page, params=params)


def videos_versions(video_id: Id) -> Call[list[Video]]:
    return Call("GET", f"videos/{_path_id(video_id)}/versions", _many(Video.from_json))


def uploads_create(
    *, project_id: Id, title: str, filename: str, size: int, video_id: Id | None = None
) -> Call[Upload]:
    body = _compact(
        project_id=str(project_id),
        title=title,
        filename=filename,
        size=size,
        video_id=str(video_id) if video_id is not None else None,
    )
    return Call("POST", "uploads", _one(Upload.from_json), json=body)


def uploads_get(upload_id: Id) -> Call[Upload]:
    return Call("GET", f"uploads/{_path_id(upload_id)}", _one(Upload.from_json))


def uploads_send(upload_id: Id, *, offset: int, data: bytes) -> Call[Upload]:
    """One part at ``offset``, with its SHA-256 so a damaged part is not kept."""
    params: dict[str, str | int | float] = {
        "offset": offset,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return Call(
        "PATCH",
        f"uploads/{_path_id(upload_id)}",
        _one(Upload.from_json),
        params=params,
        content=data,
    )


def uploads_complete(upload_id: Id) -> Call[Video]:
    return Call("POST", f"uploads/{_path_id(upload_id)}/complete", _one(Video.from_json))


def videos_create(
    *, project_id: Id, title: str, url: str, duration: float | None = None
) -> Call[Video]:
    body = _compact(project_id=str(project_id), title=title, url=url, duration=duration)
    return Call("POST", "videos", _one(Video.from_json), json=body)


def videos_get(video_id: Id) -> Call[Video]:
    return Call("GET", f"videos/{_path_id(video_id)}", _one(Video.from_json))


def feedbacks_create(
    *,
    video_id: Id,
    content: str,
    timestamp: float | None = None,
    frame: int | None = None,
    screenshot: bytes | str | None = None,
    drawing_data: Mapping[str, Any] | None = None,
    priority: str | None = None,
    timestamp_end: float | None = None,
    frame_end: int | None = None,
) -> Call[Feedback]:
    body = _compact(
        video_id=str(video_id),
        timestamp=timestamp,
        frame=frame,
        timestamp_end=timestamp_end,
        frame_end=frame_end,
        content=content,
        screenshot=screenshot_data_url(screenshot) if screenshot is not None else None,
        drawing_data=dict(drawing_data) if drawing_data is not None else None,
        priority=priority,
    )
    return Call("POST", "feedbacks", _one(Feedback.from_json), json=body)


def feedbacks_list(
    *,
    video_id: Id,
    status: str | None = None,
    priority: str | None = None,
    time_from: float | None = None,
    time_to: float | None = None,
    page_size: int | None = None,
) -> Call[Page[Feedback]]:
    """The first page; each page's ``next`` is the call for the one after it."""
    params = _compact(
        video_id=str(video_id),
        status=status,
        priority=priority,
        limit=page_size,
        **{"from": time_from, "to": time_to},
    )
    return Call("GET", "feedbacks", _feedback_page, params=params)


def feedbacks_get(feedback_id: Id) -> Call[Feedback]:
    return Call("GET", f"feedbacks/{_path_id(feedback_id)}", _one(Feedback.from_json))


def feedbacks_update(
    feedback_id: Id,
    *,
    content: str | None = None,
    priority: str | None = None,
    status: str | None = None,
) -> Call[Feedback]:
    body = _compact(content=content, priority=priority, status=status)
    return Call("PATCH", f"feedbacks/{_path_id(feedback_id)}", _one(Feedback.from_json), json=body)


def feedbacks_delete(feedback_id: Id) -> Call[None]:
    return Call("DELETE", f"feedbacks/{_path_id(feedback_id)}", _no_content, gone_means_done=True)


def comments_create(
    *,
    feedback_id: Id,
    content: str,
    mentions: Sequence[Id] | None = None,
    parent_id: Id | None = None,
) -> Call[Comment]:
    if isinstance(mentions, str):
        raise TypeError("mentions is a list of user ids, not one string")
    body = _compact(
        feedback_id=str(feedback_id),
        parent_id=str(parent_id) if parent_id is not None else None,
        content=content,
        mentions=[str(m) for m in mentions] if mentions is not None else None,
    )
    return Call("POST", "comments", _one(Comment.from_json), json=body)


def comments_list(*, feedback_id: Id, page_size: int | None = None) -> Call[Page[Comment]]:
    """The first page; each page's ``next`` is the call for the one after it."""
    params = _compact(feedback_id=str(feedback_id), limit=page_size)
    return Call("GET", "comments", _comment_page, params=params)


def reactions_add(comment_id: Id, emoji: str) -> Call[Reactions]:
    return Call(
        "POST", f"comments/{_path_id(comment_id)}/reactions", _reactions, json={"emoji": emoji}
    )


def reactions_remove(comment_id: Id, emoji: str) -> Call[Reactions]:
    path = f"comments/{_path_id(comment_id)}/reactions/{quote(emoji, safe='')}"
    return Call("DELETE", path, _reactions)
