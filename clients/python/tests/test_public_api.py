"""The public API is exactly what ``__all__`` says; changing it is a deliberate act."""

from __future__ import annotations

import importlib.metadata
import inspect
import subprocess
import sys

import videoplanet_client

PUBLIC = [
    "APIError",
    "Alert",
    "AlertSink",
    "AsyncClient",
    "Backoff",
    "BadRequest",
    "Client",
    "ClientContract",
    "Comment",
    "CommentAdded",
    "ContractMonitor",
    "ContractViolation",
    "ContractViolationError",
    "ErrorEvent",
    "Event",
    "FanOutRecorder",
    "Feedback",
    "FeedbackCreated",
    "FeedbackDeleted",
    "FeedbackUpdated",
    "HttpReporter",
    "Invitation",
    "LoggingRecorder",
    "Member",
    "MemoryRecorder",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "Pong",
    "PresenceSnapshot",
    "PresentUser",
    "Problem",
    "Project",
    "ProjectRef",
    "RateLimited",
    "ReactionUpdated",
    "Reactions",
    "RealtimeClient",
    "RealtimeTicket",
    "RejectedMessage",
    "SchemaValidator",
    "SentrySink",
    "ServerError",
    "Session",
    "Timeout",
    "TokenInfo",
    "TransportError",
    "Unauthorized",
    "UnexpectedResponse",
    "UnsupportedMediaType",
    "Upload",
    "UploadInterrupted",
    "User",
    "UserJoined",
    "UserLeft",
    "UserRef",
    "ValidationFailed",
    "ValidationResult",
    "Video",
    "VideoPlanetError",
    "VideoUpdated",
    "VideoVersionAdded",
    "ViolationRecorder",
    "WebhookSink",
    "__version__",
]


def test_all_is_pinned() -> None:
    assert videoplanet_client.__all__ == PUBLIC


def test_every_public_name_exists() -> None:
    for name in PUBLIC:
        assert hasattr(videoplanet_client, name), name


def test_version_matches_the_installed_distribution() -> None:
    assert videoplanet_client.__version__ == importlib.metadata.version("videoplanet-client")


def test_constructors_are_keyword_only() -> None:
    for cls in (videoplanet_client.Client, videoplanet_client.AsyncClient):
        params = list(inspect.signature(cls).parameters.values())
        assert [p.name for p in params] == [
            "base_url",
            "token",
            "timeout",
            "transport",
            "retries",
            "contract_validation",
            "violation_recorder",
        ]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
    for cls in (
        videoplanet_client.RealtimeClient,
        videoplanet_client.ContractMonitor,
        videoplanet_client.HttpReporter,
        videoplanet_client.WebhookSink,
        videoplanet_client.SentrySink,
    ):
        params = inspect.signature(cls).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), cls


def test_the_sdk_does_not_depend_on_django() -> None:
    requires = importlib.metadata.requires("videoplanet-client") or []
    names = sorted(r.split(">")[0].split("=")[0].split("<")[0].strip() for r in requires)
    assert names == ["httpx", "jsonschema-rs", "websockets"]


def test_errors_form_the_documented_hierarchy() -> None:
    vp = videoplanet_client
    assert issubclass(vp.Timeout, vp.TransportError)
    assert issubclass(vp.UploadInterrupted, vp.TransportError)
    assert issubclass(vp.ValidationFailed, vp.BadRequest)
    for cls in (
        vp.BadRequest, vp.Unauthorized, vp.PermissionDenied, vp.NotFound, vp.PayloadTooLarge,
        vp.UnsupportedMediaType, vp.RateLimited, vp.ServerError,
    ):  # fmt: skip
        assert issubclass(cls, vp.APIError)
    for cls in (
        vp.TransportError, vp.APIError, vp.UnexpectedResponse, vp.ContractViolationError,
    ):  # fmt: skip
        assert issubclass(cls, vp.VideoPlanetError)


def test_importing_the_sdk_imports_no_django() -> None:
    code = "import sys, videoplanet_client; print(sorted(m for m in sys.modules if m.startswith('django')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_public_classes_name_the_package_they_are_imported_from() -> None:
    aliases = {"__version__", "Event", "Reactions"}  # a string and two type aliases
    classes = [getattr(videoplanet_client, name) for name in PUBLIC if name not in aliases]
    assert all(isinstance(cls, type) for cls in classes)
    assert {cls.__module__ for cls in classes} == {"videoplanet_client"}
    assert (
        repr(videoplanet_client.SchemaValidator) == "<class 'videoplanet_client.SchemaValidator'>"
    )


CONTRACT = [
    "NO_BODY",
    "ContractViolation",
    "Direction",
    "FanOutRecorder",
    "Location",
    "LoggingRecorder",
    "MemoryRecorder",
    "NoBody",
    "Problem",
    "SchemaValidator",
    "ValidationResult",
    "ViolationRecorder",
    "ViolationType",
    "to_json_schema",
]


def test_the_contract_module_is_pinned_and_shares_the_packages_objects() -> None:
    from videoplanet_client import contract

    assert contract.__all__ == CONTRACT
    for name in set(CONTRACT) & set(PUBLIC):
        assert getattr(contract, name) is getattr(videoplanet_client, name), name
    assert contract.NoBody.__module__ == contract.to_json_schema.__module__ == contract.__name__


def test_the_async_client_has_every_method_of_the_sync_one() -> None:
    """``AsyncClient`` promises the same methods as ``Client``, awaited: each resource
    (``videos``, ``feedbacks``, ...) has the same public methods with the same parameters."""
    sync = videoplanet_client.Client(base_url="http://videoplanet.test")
    asyn = videoplanet_client.AsyncClient(base_url="http://videoplanet.test")
    resources = [
        n for n, v in vars(sync).items() if not n.startswith("_") and hasattr(v, "_client")
    ]
    assert resources and sorted(resources) == sorted(
        n for n, v in vars(asyn).items() if not n.startswith("_") and hasattr(v, "_client")
    )
    for name in resources:
        ours, theirs = getattr(sync, name), getattr(asyn, name)
        methods = sorted(m for m in dir(ours) if not m.startswith("_"))
        assert methods == sorted(m for m in dir(theirs) if not m.startswith("_")), name
        for method in methods:
            wanted = list(inspect.signature(getattr(ours, method)).parameters.values())
            got = list(inspect.signature(getattr(theirs, method)).parameters.values())
            assert got == wanted, f"{name}.{method}"
    sync.close()
