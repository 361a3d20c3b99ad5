"""How much a client may send on one socket: a token bucket per connection.

Clients only ever send small pings, so the limits are generous for them and cheap to
check. Messages beyond a burst (refilled at a steady rate) are dropped; a client that
keeps sending into an empty bucket also drains a second bucket of drops, and when that
is empty the socket is closed. A one-off burst is cut down; a flood ends the connection.
"""

from __future__ import annotations

import enum
import time

from django.conf import settings

clock = time.monotonic  # tests replace it to hold time still


class TokenBucket:
    def __init__(self, capacity: float, per_second: float, now: float) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self.tokens = capacity
        self.at = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.per_second)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Verdict(enum.Enum):
    ACCEPT = "accept"
    DROP_FIRST = "drop_first"  # the first drop since messages were last accepted
    DROP = "drop"
    CLOSE = "close"


class MessageLimiter:
    def __init__(self) -> None:
        now = clock()
        rate = settings.WS_MESSAGES_PER_SECOND
        self.messages = TokenBucket(settings.WS_MESSAGE_BURST, rate, now)
        self.drops = TokenBucket(settings.WS_MESSAGE_DROPS_BEFORE_CLOSE, rate, now)
        self.dropping = False

    def check(self) -> Verdict:
        now = clock()
        if self.messages.take(now):
            self.dropping = False
            return Verdict.ACCEPT
        if not self.drops.take(now):
            return Verdict.CLOSE
        first, self.dropping = not self.dropping, True
        return Verdict.DROP_FIRST if first else Verdict.DROP
