"""Log lines carry no client's line breaks or control characters.

Client text reaches log messages in many places: a path, an undocumented query
parameter's name, a body's unknown key in a contract violation, a room message's type.
Rather than escape at each, the console handler's formatter (``settings.LOGGING``)
escapes the formatted message once: C0 and C1 control characters (newline, carriage
return, escape sequences, NUL), Unicode line and paragraph separators, bidirectional
overrides and lone surrogates become ``\\xNN`` / ``\\uNNNN``, so one record is one line
that says what it is. Tracebacks, which are the server's own text, keep their lines.
"""

from __future__ import annotations

import logging
import re

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """``text`` with every character that could break or disguise a log line escaped."""
    return _UNSAFE.sub(_escape, text)


class EscapingFormatter(logging.Formatter):
    """``logging.Formatter`` whose ``%(message)s`` is passed through ``escape_control``."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_control(record.message)
        return super().formatMessage(record)
