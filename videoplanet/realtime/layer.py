"""The Redis channel layer: channels-redis's pub/sub layer, told when its link comes back.

``RedisPubSubChannelLayer`` keeps one Redis subscription per group per process and
hands each published message to that process's sockets in the group, so a room
broadcast is one ``PUBLISH`` whatever the room's size. Pub/sub stores nothing: while a
process's subscription is down (Redis restarted, the link broke) whatever was published
is gone for it. redis-py reconnects the subscription and subscribes to every channel
again on its own; this layer notices the gap (the receiving loop saw the connection
fail, then read again) and sends ``layer.reconnected`` to every channel of the process,
so each room socket can close with a code clients rejoin on (``consumers.py``) and
reload what they missed.

Room sockets skip the per-socket queues: a socket attaches its channel with a sink
(``attach``), and a group message is decoded once per process and handed to each
attached sink of the group in turn, by the loop that reads the subscription; a message
the sink does not take goes to the channel's queue as before. Waking every socket's
task through its queue (a task, an ``asyncio.wait`` and a decode per socket) was most of
a fan-out's CPU (make bench). One loop reads in order and hands over in order, so a
room's events reach each socket in the order they were published, and an access
revocation published before a room event closes the socket before that event could
be sent. A sink must not block (uvicorn's WebSocket send writes to the transport).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RECONNECTED = "layer.reconnected"
# Takes a decoded group message; True if it handled it, False: queue it as usual.
Sink = Callable[[dict[str, Any]], Awaitable[bool]]
RETRY_SECONDS = 0.25  # between attempts to read while the link is down


class _Shard(RedisSingleShardConnection):
    async def _do_receiving(self) -> None:
        lost = False
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=0.1
                    )
                    if lost:  # read again: redis-py reconnected and resubscribed
                        lost = False
                        logger.warning("room subscriptions to %s restored", self.host["address"])
                        self.channel_layer.reconnected()
                    if message is not None:
                        await self._deliver(message)
                else:
                    await asyncio.sleep(0.1)
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                if not lost:
                    lost = True
                    logger.warning("room subscriptions to %s lost: %s", self.host["address"], exc)
                await asyncio.sleep(RETRY_SECONDS)
            except (asyncio.CancelledError, GeneratorExit):
                raise
            except Exception:
                logger.exception("room subscription receiver failed")
                await asyncio.sleep(1)

    async def _deliver(self, message: dict[str, Any]) -> None:
        layer: _LoopLayer = self.channel_layer
        name = message["channel"]
        name = name.decode() if isinstance(name, bytes) else name
        members = layer.groups.get(name)
        if not members or not layer.sinks:
            self._receive_message(message)
            return
        data = message["data"]
        event = layer.channel_layer.deserialize(data)
        for channel in list(members):
            sink = layer.sinks.get(channel)
            handled = False
            if sink is not None:
                try:
                    handled = await sink(event)
                except OSError:  # the socket is gone; its consumer is leaving
                    handled = True
                except Exception:
                    handled = True
                    logger.exception("handing %s to %s failed", event.get("type"), channel)
            if not handled and channel in layer.channels:
                layer.channels[channel].put_nowait(data)


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sinks: dict[str, Sink] = {}
        # The parent made one plain connection per host (not connected yet): ours instead.
        plain = self._shards  # type: ignore[has-type]  # channels-redis is untyped
        self._shards = [_Shard(shard.host, self) for shard in plain]

    def reconnected(self) -> None:
        """Tell every channel of this process that messages may have been missed."""
        data = self.channel_layer.serialize({"type": RECONNECTED})
        for queue in list(self.channels.values()):
            queue.put_nowait(data)


class RoomChannelLayer(RedisPubSubChannelLayer):
    """``RedisPubSubChannelLayer`` that sends ``layer.reconnected`` after a gap and hands
    group messages straight to attached sinks."""

    def attach(self, channel: str, sink: Sink) -> None:
        """Hand this channel's group messages to ``sink`` (what it declines is queued)."""
        layer: _LoopLayer = self._get_layer()  # type: ignore[assignment]
        layer.sinks[channel] = sink

    def detach(self, channel: str) -> None:
        layer: _LoopLayer = self._get_layer()  # type: ignore[assignment]
        layer.sinks.pop(channel, None)

    def _get_layer(self) -> RedisPubSubLoopLayer:
        loop = asyncio.get_running_loop()
        if loop not in self._layers:
            self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        layer: RedisPubSubLoopLayer = self._layers[loop]
        return layer
