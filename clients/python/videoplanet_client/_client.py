"""``Client`` and ``AsyncClient``: the REST API as typed method calls.

    with Client(base_url="http://127.0.0.1:8000", token="...") as client:
        for feedback in client.feedbacks.list(video_id=video_id, status="open"):
            print(feedback.timestamp, feedback.content)

Both clients build their calls with the same builders (``_requests``) and read every
response with the same ``finish``; the classes here only send, sleep between retries and
walk pages. Ids go in as ``str`` or ``uuid.UUID`` and come back as ``str``.
"""

from __future__ import annotations

import asyncio
import builtins
import os
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self, TypeVar

import httpx

from . import _requests as req
from ._client_contract import ClientContract, Mode
from ._errors import APIError, TransportError, UploadInterrupted
from ._models import (
    Comment,
    Feedback,
    Invitation,
    Member,
    Project,
    Reactions,
    RealtimeTicket,
    Session,
    TokenInfo,
    User,
    Video,
)
from ._requests import Call, Id
from ._violations import ViolationRecorder

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 2
DEFAULT_PART_SIZE = 8 * 1024 * 1024


class _BaseClient:
    def __init__(
        self,
        *,
        base_url: str,
        token: str | None,
        retries: int,
        contract_validation: Mode,
        violation_recorder: ViolationRecorder | None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.base_url = req.api_root(base_url)
        self.retries = retries
        self.contract = ClientContract(contract_validation, violation_recorder)
        self._api_url = f"{self.base_url}{req.API_PREFIX}/"
        self._headers = req.default_headers(token)


def _read_part(handle: BinaryIO, offset: int, length: int) -> bytes:
    handle.seek(offset)
    return handle.read(length)


def _resumable(exc: TransportError | APIError) -> bool:
    """A broken connection, or a part the server did not take at that offset: ask where
    the upload stands and send from there."""
    return isinstance(exc, TransportError) or exc.code == "offset_mismatch"


def _interrupted(
    exc: TransportError | APIError, *, upload_id: str, offset: int, size: int
) -> UploadInterrupted:
    return UploadInterrupted(
        f"The upload stopped at byte {offset} of {size}: {exc}", upload_id=upload_id, offset=offset
    )


# -- sync ----------------------------------------------------------------------------------


class Client(_BaseClient):
    """The VideoPlanet REST API, blocking.

    base_url: the server's root (``http://127.0.0.1:8000``); token: an API token (None
    for signing in or up only); timeout: seconds for each of connect, read, write and
    pool; transport: an ``httpx`` transport (tests, proxies); retries: how many times an
    idempotent call (GET, PUT, DELETE) is repeated after a network error, a timeout or
    429/502/503/504. POST and PATCH are never repeated.

    contract_validation: every request and response is checked against the OpenAPI
    document bundled with this SDK. ``report`` (the default) hands violations to
    ``violation_recorder`` (which logs them unless you pass another) and sends the
    request anyway; ``enforce`` raises ``ContractViolationError`` instead of sending a
    request that breaks the contract; ``off`` checks nothing. A response is never
    rejected for breaking the contract, only recorded.
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retries: int = DEFAULT_RETRIES,
        contract_validation: Mode = "report",
        violation_recorder: ViolationRecorder | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            token=token,
            retries=retries,
            contract_validation=contract_validation,
            violation_recorder=violation_recorder,
        )
        self._http = httpx.Client(
            base_url=self._api_url, headers=self._headers, timeout=timeout, transport=transport
        )
        self.auth = Auth(self)
        self.projects = Projects(self)
        self.invitations = Invitations(self)
        self.videos = Videos(self)
        self.feedbacks = Feedbacks(self)
        self.comments = Comments(self)
        self.reactions = ReactionsApi(self)
        self.realtime = Realtime(self)

    def me(self) -> User:
        """The user the token belongs to."""
        return self._run(req.me())

    def _run(self, call: Call[T]) -> T:
        request = call.build(self._http)
        self.contract.check_request(request, call.json)
        attempt = 0
        while True:
            try:
                response = self._http.send(request)
            except httpx.TransportError as exc:
                delay = req.retry_delay(call, attempt=attempt, retries=self.retries, error=exc)
                if delay is None:
                    raise req.transport_error(exc) from exc
            else:
                self.contract.check_response(response)
                delay = req.retry_delay(
                    call, attempt=attempt, retries=self.retries, response=response
                )
                if delay is None:
                    return req.finish(call, response, attempt=attempt)
            time.sleep(delay)
            attempt += 1

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _Resource:
    def __init__(self, client: Client) -> None:
        self._client = client


class Auth(_Resource):
    def token(self, *, email: str, password: str) -> Session:
        """Sign in: email and password for a new API token."""
        return self._client._run(req.auth_token(email=email, password=password))

    def register(self, *, name: str, email: str, password: str) -> None:
        """Sign up: the server emails the address a link whose ``key`` finishes it
        (``verify_email``). Answers the same whether or not the address has an account."""
        self._client._run(req.auth_register(name=name, email=email, password=password))

    def verify_email(self, *, key: str, password: str) -> Session:
        """Finish signing up with the emailed link's key and the password you signed up
        with: the account and its first token."""
        return self._client._run(req.auth_verify_email(key=key, password=password))

    def sign_out(self) -> None:
        """Revoke the token this client sends; it stops working at once."""
        self._client._run(req.auth_sign_out())

    def list_tokens(self) -> builtins.list[TokenInfo]:
        """Your API tokens, newest first (never their secrets)."""
        return self._client._run(req.auth_tokens_list())

    def revoke_token(self, token_id: int) -> None:
        """Revoke one of your tokens by its id (from ``list_tokens``)."""
        self._client._run(req.auth_token_revoke(token_id))


class Projects(_Resource):
    def list(self) -> builtins.list[Project]:
        """Your projects, each with your role in it."""
        return self._client._run(req.projects_list())

    def create(self, *, name: str) -> Project:
        """A new project; you are its owner."""
        return self._client._run(req.projects_create(name=name))

    def get(self, project_id: Id) -> Project:
        return self._client._run(req.projects_get(project_id))

    def members(self, project_id: Id) -> builtins.list[Member]:
        return self._client._run(req.projects_members(project_id))

    def invite(self, project_id: Id, *, email: str, role: str) -> Invitation:
        """Email an invitation to join as owner, editor, reviewer or viewer (owners and
        editors; only owners invite owners). The person joins when they accept it."""
        return self._client._run(req.projects_invite(project_id, email=email, role=role))

    def invitations(self, project_id: Id) -> builtins.list[Invitation]:
        """The project's invitations waiting for an answer (owners and editors)."""
        return self._client._run(req.projects_invitations(project_id))

    def revoke_invitation(self, project_id: Id, invitation_id: Id) -> None:
        """Withdraw a pending invitation (owners and editors)."""
        self._client._run(req.projects_revoke_invitation(project_id, invitation_id))

    def leave(self, project_id: Id) -> None:
        """Leave the project; the last owner cannot (``BadRequest`` code ``last_owner``)."""
        self._client._run(req.projects_leave(project_id))


class Invitations(_Resource):
    def list(self) -> builtins.list[Invitation]:
        """Invitations sent to your email address that you can still answer."""
        return self._client._run(req.invitations_list())

    def accept(self, *, key: str | None = None, invitation_id: Id | None = None) -> Project:
        """Accept with the key from the email, or by id (from ``list``); returns the
        project you joined, with your role in it."""
        return self._client._run(req.invitations_accept(key=key, invitation_id=invitation_id))

    def decline(self, *, key: str | None = None, invitation_id: Id | None = None) -> None:
        """Decline with the key from the email, or by id (from ``list``)."""
        self._client._run(req.invitations_decline(key=key, invitation_id=invitation_id))


class Videos(_Resource):
    def list(self, *, project_id: Id, page_size: int | None = None) -> builtins.list[Video]:
        """Every video of the project, oldest first (all pages)."""
        videos: builtins.list[Video] = []
        call: Call[req.Page[Video]] | None = req.videos_list(
            project_id=project_id, page_size=page_size
        )
        while call is not None:
            page = self._client._run(call)
            videos += page.items
            call = page.next
        return videos

    def create(
        self, *, project_id: Id, title: str, url: str, duration: float | None = None
    ) -> Video:
        return self._client._run(
            req.videos_create(project_id=project_id, title=title, url=url, duration=duration)
        )

    def get(self, video_id: Id) -> Video:
        return self._client._run(req.videos_get(video_id))

    def versions(self, video_id: Id) -> builtins.list[Video]:
        """Every version (cut) of the video, first to last."""
        return self._client._run(req.videos_versions(video_id))

    def upload(
        self,
        *,
        project_id: Id,
        path: str | os.PathLike[str],
        title: str | None = None,
        video_id: Id | None = None,
        part_size: int = DEFAULT_PART_SIZE,
        upload_id: Id | None = None,
    ) -> Video:
        """Upload a video file; it comes back ``processing`` (see :meth:`wait`).

        The file is read and sent one part of ``part_size`` bytes at a time, never whole.
        A part whose connection breaks is sent again from where the server stands, up to
        the client's ``retries`` times in a row; after that ``UploadInterrupted`` carries
        the ``upload_id`` to resume with (``upload(..., upload_id=...)``), even from
        another process. ``video_id`` makes the file the next version of that video.
        """
        file = Path(path)
        size = file.stat().st_size
        run = self._client._run
        if upload_id is None:
            upload = run(
                req.uploads_create(
                    project_id=project_id,
                    title=title or file.stem,
                    filename=file.name,
                    size=size,
                    video_id=video_id,
                )
            )
        else:
            upload = run(req.uploads_get(upload_id))
        offset, failures = upload.offset, 0
        with file.open("rb") as handle:
            while offset < size:
                data = _read_part(handle, offset, min(part_size, size - offset))
                try:
                    offset = run(req.uploads_send(upload.id, offset=offset, data=data)).offset
                    failures = 0
                except (TransportError, APIError) as exc:
                    failures += 1
                    if not _resumable(exc):
                        raise
                    if failures > self._client.retries:
                        raise _interrupted(
                            exc, upload_id=upload.id, offset=offset, size=size
                        ) from exc
                    offset = run(req.uploads_get(upload.id)).offset
        return run(req.uploads_complete(upload.id))

    def wait(self, video_id: Id, *, timeout: float = 600.0, interval: float = 2.0) -> Video:
        """The video once it is no longer ``processing`` (``ready`` or ``failed``); raises
        ``TimeoutError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            video = self.get(video_id)
            if video.status != "processing":
                return video
            if time.monotonic() + interval > deadline:
                raise TimeoutError(f"video {video_id} is still processing after {timeout} s")
            time.sleep(interval)


class Feedbacks(_Resource):
    def create(
        self,
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
    ) -> Feedback:
        """Pin feedback to ``timestamp`` seconds of the video, or to its ``frame`` (an
        index, when the video's frame rate is known): exactly one of the two, and at most
        one of ``timestamp_end``/``frame_end``.

        screenshot: PNG, JPEG or WebP bytes (sent as a data URL of the sniffed type) or a
        ready data URL; drawing_data: ``{"shapes": [...]}``; priority: low, medium
        (the server's default), high or critical.
        """
        return self._client._run(
            req.feedbacks_create(
                video_id=video_id,
                timestamp=timestamp,
                frame=frame,
                content=content,
                screenshot=screenshot,
                drawing_data=drawing_data,
                priority=priority,
                timestamp_end=timestamp_end,
                frame_end=frame_end,
            )
        )

    def list(
        self,
        *,
        video_id: Id,
        status: str | None = None,
        priority: str | None = None,
        time_from: float | None = None,
        time_to: float | None = None,
        page_size: int | None = None,
    ) -> Iterator[Feedback]:
        """Every matching feedback in timestamp order, fetching pages as you iterate.

        page_size is the server's ``limit`` (1–500, default 100) per request; the pages
        are followed through the ``Link: <...>; rel="next"`` header.
        """
        call: Call[req.Page[Feedback]] | None = req.feedbacks_list(
            video_id=video_id,
            status=status,
            priority=priority,
            time_from=time_from,
            time_to=time_to,
            page_size=page_size,
        )
        while call is not None:
            page = self._client._run(call)
            yield from page.items
            call = page.next

    def get(self, feedback_id: Id) -> Feedback:
        return self._client._run(req.feedbacks_get(feedback_id))

    def update(
        self,
        feedback_id: Id,
        *,
        content: str | None = None,
        priority: str | None = None,
        status: str | None = None,
    ) -> Feedback:
        """Change only the fields given. Status: open, in_progress, resolved or closed."""
        return self._client._run(
            req.feedbacks_update(feedback_id, content=content, priority=priority, status=status)
        )

    def delete(self, feedback_id: Id) -> None:
        """Delete feedback and its comments (author, owner or editor)."""
        self._client._run(req.feedbacks_delete(feedback_id))


class Comments(_Resource):
    def create(
        self, *, feedback_id: Id, content: str, mentions: Sequence[Id] | None = None
    ) -> Comment:
        """A top-level comment; ``mentions`` are ids of project members."""
        return self._client._run(
            req.comments_create(feedback_id=feedback_id, content=content, mentions=mentions)
        )

    def reply(
        self,
        *,
        parent_id: Id,
        feedback_id: Id,
        content: str,
        mentions: Sequence[Id] | None = None,
    ) -> Comment:
        """A reply to comment ``parent_id`` of the same feedback."""
        return self._client._run(
            req.comments_create(
                feedback_id=feedback_id, content=content, mentions=mentions, parent_id=parent_id
            )
        )

    def list(self, *, feedback_id: Id, page_size: int | None = None) -> builtins.list[Comment]:
        """All the feedback's comments, each followed by its replies.

        The server pages them (page_size is its ``limit``, 1–500, default 100); this
        follows the ``Link`` header's next pages and returns them all.
        """
        call: Call[req.Page[Comment]] | None = req.comments_list(
            feedback_id=feedback_id, page_size=page_size
        )
        comments: builtins.list[Comment] = []
        while call is not None:
            page = self._client._run(call)
            comments.extend(page.items)
            call = page.next
        return comments


class ReactionsApi(_Resource):
    def add(self, comment_id: Id, emoji: str) -> Reactions:
        """React with one emoji (twice is a no-op); returns the comment's reactions."""
        return self._client._run(req.reactions_add(comment_id, emoji))

    def remove(self, comment_id: Id, emoji: str) -> Reactions:
        """Take your reaction back; returns the comment's reactions."""
        return self._client._run(req.reactions_remove(comment_id, emoji))


class Realtime(_Resource):
    def create_ticket(self, *, video_id: Id | None = None) -> RealtimeTicket:
        """A single-use ticket for ``ws://HOST/ws/videos/{id}/?ticket=`` (only that
        video's room when ``video_id`` is given), for a client that cannot send
        ``Authorization`` on a WebSocket. ``RealtimeClient`` sends the header instead."""
        return self._client._run(req.realtime_ticket_create(video_id=video_id))


# -- async ---------------------------------------------------------------------------------


class AsyncClient(_BaseClient):
    """The VideoPlanet REST API for asyncio; the same methods as ``Client``, awaited.

    ``feedbacks.list`` is an async iterator: ``async for f in client.feedbacks.list(...)``.
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = DEFAULT_RETRIES,
        contract_validation: Mode = "report",
        violation_recorder: ViolationRecorder | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            token=token,
            retries=retries,
            contract_validation=contract_validation,
            violation_recorder=violation_recorder,
        )
        self._http = httpx.AsyncClient(
            base_url=self._api_url, headers=self._headers, timeout=timeout, transport=transport
        )
        self.auth = AsyncAuth(self)
        self.projects = AsyncProjects(self)
        self.invitations = AsyncInvitations(self)
        self.videos = AsyncVideos(self)
        self.feedbacks = AsyncFeedbacks(self)
        self.comments = AsyncComments(self)
        self.reactions = AsyncReactionsApi(self)
        self.realtime = AsyncRealtime(self)

    async def me(self) -> User:
        """The user the token belongs to."""
        return await self._run(req.me())

    async def _run(self, call: Call[T]) -> T:
        request = call.build(self._http)
        self.contract.check_request(request, call.json)
        attempt = 0
        while True:
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                delay = req.retry_delay(call, attempt=attempt, retries=self.retries, error=exc)
                if delay is None:
                    raise req.transport_error(exc) from exc
            else:
                self.contract.check_response(response)
                delay = req.retry_delay(
                    call, attempt=attempt, retries=self.retries, response=response
                )
                if delay is None:
                    return req.finish(call, response, attempt=attempt)
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class _AsyncResource:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client


class AsyncAuth(_AsyncResource):
    async def token(self, *, email: str, password: str) -> Session:
        return await self._client._run(req.auth_token(email=email, password=password))

    async def register(self, *, name: str, email: str, password: str) -> None:
        await self._client._run(req.auth_register(name=name, email=email, password=password))

    async def verify_email(self, *, key: str, password: str) -> Session:
        return await self._client._run(req.auth_verify_email(key=key, password=password))

    async def sign_out(self) -> None:
        await self._client._run(req.auth_sign_out())

    async def list_tokens(self) -> builtins.list[TokenInfo]:
        return await self._client._run(req.auth_tokens_list())

    async def revoke_token(self, token_id: int) -> None:
        await self._client._run(req.auth_token_revoke(token_id))


class AsyncProjects(_AsyncResource):
    async def list(self) -> builtins.list[Project]:
        return await self._client._run(req.projects_list())

    async def create(self, *, name: str) -> Project:
        return await self._client._run(req.projects_create(name=name))

    async def get(self, project_id: Id) -> Project:
        return await self._client._run(req.projects_get(project_id))

    async def members(self, project_id: Id) -> builtins.list[Member]:
        return await self._client._run(req.projects_members(project_id))

    async def invite(self, project_id: Id, *, email: str, role: str) -> Invitation:
        return await self._client._run(req.projects_invite(project_id, email=email, role=role))

    async def invitations(self, project_id: Id) -> builtins.list[Invitation]:
        return await self._client._run(req.projects_invitations(project_id))

    async def revoke_invitation(self, project_id: Id, invitation_id: Id) -> None:
        await self._client._run(req.projects_revoke_invitation(project_id, invitation_id))

    async def leave(self, project_id: Id) -> None:
        await self._client._run(req.projects_leave(project_id))


class AsyncInvitations(_AsyncResource):
    async def list(self) -> builtins.list[Invitation]:
        return await self._client._run(req.invitations_list())

    async def accept(self, *, key: str | None = None, invitation_id: Id | None = None) -> Project:
        return await self._client._run(req.invitations_accept(key=key, invitation_id=invitation_id))

    async def decline(self, *, key: str | None = None, invitation_id: Id | None = None) -> None:
        await self._client._run(req.invitations_decline(key=key, invitation_id=invitation_id))


class AsyncVideos(_AsyncResource):
    async def list(self, *, project_id: Id, page_size: int | None = None) -> builtins.list[Video]:
        """Every video of the project, oldest first (all pages)."""
        videos: builtins.list[Video] = []
        call: Call[req.Page[Video]] | None = req.videos_list(
            project_id=project_id, page_size=page_size
        )
        while call is not None:
            page = await self._client._run(call)
            videos += page.items
            call = page.next
        return videos

    async def create(
        self, *, project_id: Id, title: str, url: str, duration: float | None = None
    ) -> Video:
        return await self._client._run(
            req.videos_create(project_id=project_id, title=title, url=url, duration=duration)
        )

    async def get(self, video_id: Id) -> Video:
        return await self._client._run(req.videos_get(video_id))

    async def versions(self, video_id: Id) -> builtins.list[Video]:
        """Every version (cut) of the video, first to last."""
        return await self._client._run(req.videos_versions(video_id))

    async def upload(
        self,
        *,
        project_id: Id,
        path: str | os.PathLike[str],
        title: str | None = None,
        video_id: Id | None = None,
        part_size: int = DEFAULT_PART_SIZE,
        upload_id: Id | None = None,
    ) -> Video:
        """Upload a video file; it comes back ``processing`` (see :meth:`wait`).

        As ``Client.videos.upload``: one part of ``part_size`` bytes at a time (read in a
        worker thread, so the event loop keeps running), a broken part sent again from
        where the server stands up to the client's ``retries`` times in a row, then
        ``UploadInterrupted`` with the ``upload_id`` to resume with.
        """
        file = Path(path)
        size = file.stat().st_size
        run = self._client._run
        if upload_id is None:
            upload = await run(
                req.uploads_create(
                    project_id=project_id,
                    title=title or file.stem,
                    filename=file.name,
                    size=size,
                    video_id=video_id,
                )
            )
        else:
            upload = await run(req.uploads_get(upload_id))
        offset, failures = upload.offset, 0
        with file.open("rb") as handle:
            while offset < size:
                data = await asyncio.to_thread(
                    _read_part, handle, offset, min(part_size, size - offset)
                )
                try:
                    offset = (
                        await run(req.uploads_send(upload.id, offset=offset, data=data))
                    ).offset
                    failures = 0
                except (TransportError, APIError) as exc:
                    failures += 1
                    if not _resumable(exc):
                        raise
                    if failures > self._client.retries:
                        raise _interrupted(
                            exc, upload_id=upload.id, offset=offset, size=size
                        ) from exc
                    offset = (await run(req.uploads_get(upload.id))).offset
        return await run(req.uploads_complete(upload.id))

    async def wait(self, video_id: Id, *, timeout: float = 600.0, interval: float = 2.0) -> Video:
        """The video once it is no longer ``processing`` (``ready`` or ``failed``); raises
        ``TimeoutError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            video = await self.get(video_id)
            if video.status != "processing":
                return video
            if time.monotonic() + interval > deadline:
                raise TimeoutError(f"video {video_id} is still processing after {timeout} s")
            await asyncio.sleep(interval)


class AsyncFeedbacks(_AsyncResource):
    async def create(
        self,
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
    ) -> Feedback:
        return await self._client._run(
            req.feedbacks_create(
                video_id=video_id,
                timestamp=timestamp,
                frame=frame,
                content=content,
                screenshot=screenshot,
                drawing_data=drawing_data,
                priority=priority,
                timestamp_end=timestamp_end,
                frame_end=frame_end,
            )
        )

    async def list(
        self,
        *,
        video_id: Id,
        status: str | None = None,
        priority: str | None = None,
        time_from: float | None = None,
        time_to: float | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[Feedback]:
        call: Call[req.Page[Feedback]] | None = req.feedbacks_list(
            video_id=video_id,
            status=status,
            priority=priority,
            time_from=time_from,
            time_to=time_to,
            page_size=page_size,
        )
        while call is not None:
            page = await self._client._run(call)
            for item in page.items:
                yield item
            call = page.next

    async def get(self, feedback_id: Id) -> Feedback:
        return await self._client._run(req.feedbacks_get(feedback_id))

    async def update(
        self,
        feedback_id: Id,
        *,
        content: str | None = None,
        priority: str | None = None,
        status: str | None = None,
    ) -> Feedback:
        return await self._client._run(
            req.feedbacks_update(feedback_id, content=content, priority=priority, status=status)
        )

    async def delete(self, feedback_id: Id) -> None:
        await self._client._run(req.feedbacks_delete(feedback_id))


class AsyncComments(_AsyncResource):
    async def create(
        self, *, feedback_id: Id, content: str, mentions: Sequence[Id] | None = None
    ) -> Comment:
        return await self._client._run(
            req.comments_create(feedback_id=feedback_id, content=content, mentions=mentions)
        )

    async def reply(
        self,
        *,
        parent_id: Id,
        feedback_id: Id,
        content: str,
        mentions: Sequence[Id] | None = None,
    ) -> Comment:
        return await self._client._run(
            req.comments_create(
                feedback_id=feedback_id, content=content, mentions=mentions, parent_id=parent_id
            )
        )

    async def list(
        self, *, feedback_id: Id, page_size: int | None = None
    ) -> builtins.list[Comment]:
        call: Call[req.Page[Comment]] | None = req.comments_list(
            feedback_id=feedback_id, page_size=page_size
        )
        comments: builtins.list[Comment] = []
        while call is not None:
            page = await self._client._run(call)
            comments.extend(page.items)
            call = page.next
        return comments


class AsyncReactionsApi(_AsyncResource):
    async def add(self, comment_id: Id, emoji: str) -> Reactions:
        return await self._client._run(req.reactions_add(comment_id, emoji))

    async def remove(self, comment_id: Id, emoji: str) -> Reactions:
        return await self._client._run(req.reactions_remove(comment_id, emoji))


class AsyncRealtime(_AsyncResource):
    async def create_ticket(self, *, video_id: Id | None = None) -> RealtimeTicket:
        return await self._client._run(req.realtime_ticket_create(video_id=video_id))
