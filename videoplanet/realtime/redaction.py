"""Keep credentials in URLs out of log lines.

The rooms take no token in the URL and a ticket works once, but clients still put them
there (old clients send ``?token=``), and servers log request lines: uvicorn's access log
and its WebSocket lines (``"WebSocket /ws/videos/...?ticket=..." [accepted]``) print the
query string. The app puts this filter on those loggers when it starts; it replaces the
values of ``ticket=`` and ``token=`` query parameters with ``[redacted]``, keeping each
record's arguments in place (uvicorn's access formatter reads them one by one).

A filter on the logger rather than a handler declared in ``LOGGING``: configuring
``uvicorn.access`` there would replace uvicorn's own handler, which is how uvicorn
switches its access log on and off (``--no-access-log``, ``--log-config``), and a
logger's filters survive uvicorn configuring its logging again.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_CREDENTIAL = re.compile(r"([?&;](?:ticket|token)=)[^&;\s\"']*", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return _CREDENTIAL.sub(rf"\g<1>{REDACTED}", text)


def _redact_value(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_value(arg) for key, arg in record.args.items()}
        return True


REDACTED_LOGGERS = ("uvicorn.access", "uvicorn.error", "django.request", "django.server")


def install() -> None:
    """Put the filter on the loggers that print request lines (once each)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactCredentials) for f in logger.filters):
            logger.addFilter(RedactCredentials())
