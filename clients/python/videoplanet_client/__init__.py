"""Python client for VideoPlanet: the REST API (``Client``, ``AsyncClient``) and live
video rooms (``RealtimeClient``).

    from videoplanet_client import Client

    with Client(base_url="http://127.0.0.1:8000", token="vp_...") as client:
        feedback = client.feedbacks.create(video_id=video_id, timestamp=30.5, content="Hi")

Run ``python -m videoplanet_client --help`` for the command line. The contract
validator and violation types, for code that checks messages itself (the server does):
``videoplanet_client.contract``.
"""

from ._alerts import Alert, AlertSink, SentrySink, WebhookSink
from ._backoff import Backoff
from ._client import AsyncClient, Client
from ._client_contract import ClientContract
from ._errors import (
    APIError,
    BadRequest,
    ContractViolationError,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    ServerError,
    Timeout,
    TransportError,
    Unauthorized,
    UnexpectedResponse,
    UnsupportedMediaType,
    UploadInterrupted,
    ValidationFailed,
    VideoPlanetError,
)
from ._events import (
    CommentAdded,
    ErrorEvent,
    Event,
    FeedbackCreated,
    FeedbackDeleted,
    FeedbackUpdated,
    Pong,
    PresenceSnapshot,
    PresentUser,
    ReactionUpdated,
    UserJoined,
    UserLeft,
    VideoUpdated,
    VideoVersionAdded,
)
from ._models import (
    Comment,
    Feedback,
    Invitation,
    Member,
    Project,
    ProjectRef,
    Reactions,
    RealtimeTicket,
    Session,
    TokenInfo,
    Upload,
    User,
    UserRef,
    Video,
)
from ._monitor import ContractMonitor
from ._realtime import RealtimeClient, RejectedMessage
from ._recorders import FanOutRecorder, LoggingRecorder, MemoryRecorder
from ._reporter import HttpReporter
from ._results import Problem, ValidationResult
from ._validator import SchemaValidator
from ._version import __version__
from ._violations import ContractViolation, ViolationRecorder

__all__ = [
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

# Public names say where to import them from (``videoplanet_client.Client``, not
# ``videoplanet_client._client.Client``) in reprs, tracebacks and docs, as httpx does.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = __name__
