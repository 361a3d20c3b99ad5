"""Python client for VideoPlanet: the REST API (``Client``, ``AsyncClient``) and live
video rooms (``RealtimeClient``).

    from videoplanet_client import Client

    with Client(base_url="http://127.0.0.1:8000", token="vp_...") as client:
        feedback = client.feedbacks.create(video_id=video_id, timestamp=30.5, content="Hi")

Run ``python -m videoplanet_client --help`` for the command line.
"""

from ._backoff import Backoff
from ._client import AsyncClient, Client
from ._contract import (
    ClientContract,
    ContractViolation,
    FanOutRecorder,
    LoggingRecorder,
    MemoryRecorder,
    Problem,
    SchemaValidator,
    ValidationResult,
    ViolationRecorder,
)
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
    Member,
    Project,
    Reactions,
    Session,
    Upload,
    User,
    UserRef,
    Video,
)
from ._monitor import Alert, AlertSink, ContractMonitor, HttpReporter, SentrySink, WebhookSink
from ._realtime import RealtimeClient, RejectedMessage
from ._version import __version__

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
    "RateLimited",
    "ReactionUpdated",
    "Reactions",
    "RealtimeClient",
    "RejectedMessage",
    "SchemaValidator",
    "SentrySink",
    "ServerError",
    "Session",
    "Timeout",
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
