"""Contract violations counted, alerted on and reported to the server
(docs/contract-testing.md §6.1).

    from videoplanet_client import Client, ContractMonitor, HttpReporter, WebhookSink

    monitor = ContractMonitor(
        reporter=HttpReporter(base_url="https://videoplanet.example", token="vpr_..."),
        alert_sinks=[WebhookSink(url="https://hooks.example/contract-alerts")],
    ).start()
    client = Client(base_url="https://videoplanet.example", token="vp_...",
                    violation_recorder=monitor)
    ...
    monitor.close()   # stops the thread, reports what is left, closes reporter and sinks

A ``ContractMonitor`` is a ``ViolationRecorder``: hand it to ``Client``, ``AsyncClient``
or ``RealtimeClient`` as ``violation_recorder=``, or call ``record_violation(endpoint,
method, type, error)`` yourself. Violations aggregate by key ``METHOD:endpoint:type``
(``POST:/api/v1/feedbacks:request``; a room message is ``WS:<message type>:message``)
into a count, the first and last time seen and the distinct errors (the first
``max_errors`` kept, more counted).

Alerts: more than ``alert_threshold`` violations of one key within ``alert_window``
seconds (a sliding window) raise one ``Alert``, then that key stays quiet for a window.
At most ``max_alerts`` alerts go out per ``alert_window`` across all keys, so keys made
up by a misbehaving peer cannot fan out into hundreds of alerts: the keys over the
threshold beyond that are counted and, when the window ends (or the monitor stops), go
out as one summary alert, key ``*``, "N more keys over the threshold", with a sample of
those keys as its ``errors``. Every alert is logged as an ERROR on
``videoplanet_client.monitor`` and handed to each of ``alert_sinks`` (``WebhookSink``,
``SentrySink`` or anything with ``send(alert)``): on the monitor's thread once it is
started, in ``record()`` before that.

Reports: every ``report_interval`` seconds the monitor's thread hands the aggregate to
``reporter``, a callable that takes the report (a JSON-ready dict) and raises when it
was not accepted; ``HttpReporter`` posts it to the server. A report holds at most 1000
entries (a bigger aggregate goes as several reports), each with at most 50 errors of at
most 1000 characters and an endpoint of at most 255. The aggregate is cleared only of
what the reporter accepted: the monitor swaps in an empty buffer, reports the old one,
and on failure merges it back under what was recorded meanwhile (counts added, first
and last seen widened, errors united), then retries with exponential backoff (and not
before a 429's ``Retry-After``). At most
``max_keys`` keys are kept; a violation of a new key beyond that is counted in the
next report's ``dropped``, never silently lost.

Threads: ``record()`` may be called from any thread. ``start()`` starts one daemon
thread named ``videoplanet-contract-monitor``; a monitor that is never started never
starts a thread (call ``flush()`` or ``run_pending()`` yourself). ``stop()`` ends the
thread after a last report; ``close()`` also closes the reporter and the sinks.
"""

from __future__ import annotations

import atexit
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from datetime import datetime
from types import TracebackType
from typing import Self

from ._aggregate import _aware, _Entry, _iso, _Rate, _truncate, _utc_now
from ._alerts import _ALERT_SAMPLE, Alert, AlertSink, _Held, logger
from ._backoff import Backoff
from ._reporter import (
    MAX_ENDPOINT_LENGTH,
    MAX_ENTRY_ERRORS,
    MAX_ERROR_LENGTH,
    MAX_REPORT_ENTRIES,
    Report,
    Reporter,
)
from ._violations import ContractViolation, Direction, ViolationType

REPORT_BACKOFF = Backoff(base=1.0, factor=2.0, cap=300.0)
THREAD_NAME = "videoplanet-contract-monitor"
SUMMARY_KEY = "*"
"""The key of the alert that sums up the keys over the threshold beyond ``max_alerts``."""
_QUEUED_ALERTS = 1000


class ContractMonitor:
    """Aggregates contract violations, raises alerts and reports them (module docstring).

    reporter: takes each report, raises if it was not accepted (``HttpReporter``);
    report_interval: seconds between reports on the monitor's thread; alert_threshold,
    alert_window: more than this many violations of one key within this many seconds
    raise an alert; alert_sinks: where alerts go besides the log; max_alerts: alerts
    per alert window across keys, the rest summed up in one; max_keys: keys kept
    between reports; max_errors: distinct errors kept per key (at most 50); backoff:
    the waits between failed reports; clock: monotonic seconds (windows, schedule);
    wall_clock: the time stamped on reports and ``record_violation``; flush_at_exit:
    ``stop()`` at interpreter exit once started; source: names this observer in the
    violations ``record_violation`` builds.
    """

    def __init__(
        self,
        *,
        reporter: Reporter,
        report_interval: float = 60.0,
        alert_threshold: int = 10,
        alert_window: float = 60.0,
        alert_sinks: Iterable[AlertSink] = (),
        max_alerts: int = 20,
        max_keys: int = 1000,
        max_errors: int = 20,
        backoff: Backoff = REPORT_BACKOFF,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = _utc_now,
        flush_at_exit: bool = False,
        source: str = "videoplanet-client",
    ) -> None:
        if report_interval <= 0 or alert_window <= 0:
            raise ValueError("report_interval and alert_window must be > 0")
        if alert_threshold < 0:
            raise ValueError("alert_threshold must be >= 0")
        if max_keys < 1 or max_alerts < 1:
            raise ValueError("max_keys and max_alerts must be >= 1")
        if not 1 <= max_errors <= MAX_ENTRY_ERRORS:
            raise ValueError(f"max_errors must be between 1 and {MAX_ENTRY_ERRORS}")
        self.reporter = reporter
        self.report_interval = report_interval
        self.alert_threshold = alert_threshold
        self.alert_window = alert_window
        self.alert_sinks = tuple(alert_sinks)
        self.max_alerts = max_alerts
        self.max_keys = max_keys
        self.max_errors = max_errors
        self.backoff = backoff
        self.flush_at_exit = flush_at_exit
        self.source = source
        self._clock = clock
        self._wall_clock = wall_clock

        self._lock = threading.Lock()  # buffer, rates, alert queue, thread handle
        self._buffer: dict[str, _Entry] = {}
        self._dropped = 0
        self._full_warned = False
        self._rates: OrderedDict[str, _Rate] = OrderedDict()
        self._alerts: deque[Alert] = deque(maxlen=_QUEUED_ALERTS)
        self._alert_window_ends = -math.inf  # the window max_alerts counts in
        self._alerts_in_window = 0
        self._held = _Held()

        self._report_lock = threading.RLock()  # one report at a time; schedule
        self._next_report = clock() + report_interval
        self._failures = 0
        self._retry_after: float | None = None

        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._last_flush_ok = True

    # -- recording -------------------------------------------------------------------------

    def record(self, violation: ContractViolation) -> None:
        """Count one violation; raise an alert if its key just crossed the threshold."""
        endpoint = _truncate(violation.endpoint, MAX_ENDPOINT_LENGTH)
        method = violation.method.upper()
        key = f"{method}:{endpoint}:{violation.type}"
        errors = [_truncate(error, MAX_ERROR_LENGTH) for error in violation.errors]
        seen = _aware(violation.observed_at)
        now = self._clock()
        warn_full = False
        with self._lock:
            entry = self._buffer.get(key)
            if entry is None:
                if len(self._buffer) < self.max_keys:
                    entry = self._buffer[key] = _Entry(
                        endpoint, method, violation.type, violation.direction, 0, seen, seen
                    )
                else:
                    self._dropped += 1
                    warn_full, self._full_warned = not self._full_warned, True
            if entry is not None:
                entry.count += 1
                entry.first_seen = min(entry.first_seen, seen)
                entry.last_seen = max(entry.last_seen, seen)
                for error in errors:
                    entry.add_error(error, self.max_errors)
            alerts = self._summary_due(now)
            alert = self._check_rate(key, now, seen, errors, entry)
            if alert is not None and self._admit(alert, now):
                alerts.append(alert)
            queued = bool(alerts) and self._thread is not None
            if queued:
                self._alerts.extend(alerts)
        if warn_full:
            logger.warning(
                "contract monitor holds %d keys: violations of new keys are only counted "
                "(as dropped) until the next report is accepted",
                self.max_keys,
            )
        for alert in alerts:
            logger.error("%s: %s", alert.message, "; ".join(alert.errors))
            if not queued:
                self._send(alert)
        if queued:
            self._wake.set()

    def record_violation(
        self,
        endpoint: str,
        method: str,
        type: ViolationType,
        error: str,
        *,
        direction: Direction = "outgoing",
    ) -> None:
        """The seed's ``recordViolation``: one violation with one error, seen now."""
        self.record(
            ContractViolation(
                source=self.source,
                endpoint=endpoint,
                method=method,
                type=type,
                direction=direction,
                errors=(error,),
                observed_at=self._wall_clock(),
            )
        )

    def _check_rate(
        self, key: str, now: float, seen: datetime, errors: list[str], entry: _Entry | None
    ) -> Alert | None:
        """Called with the lock held: the alert this violation raises, if any."""
        rate = self._rates.get(key)
        if rate is None:
            rate = self._rates[key] = _Rate(deque(maxlen=self.alert_threshold + 1))
            if len(self._rates) > self.max_keys:
                self._rates.popitem(last=False)  # the key seen least recently
        else:
            self._rates.move_to_end(key)
        rate.recent.append((now, seen))
        if len(rate.recent) <= self.alert_threshold or now < rate.quiet_until:
            return None
        oldest_at, oldest_seen = rate.recent[0]
        if now - oldest_at >= self.alert_window:
            return None
        rate.quiet_until = now + self.alert_window
        count = len(rate.recent)
        sample = dict.fromkeys([*errors, *(entry.errors if entry is not None else ())])
        return Alert(
            severity="high",
            key=key,
            message=(
                f"Contract violation threshold exceeded for {key}: "
                f"{count} violations within {self.alert_window:g} s"
            ),
            count=count,
            window=self.alert_window,
            first_seen=oldest_seen,
            last_seen=seen,
            errors=tuple(sample)[:_ALERT_SAMPLE],
        )

    def _admit(self, alert: Alert, now: float) -> bool:
        """Called with the lock held: whether ``alert`` goes out, or is held for the
        summary because ``max_alerts`` already went out in this alert window."""
        if now >= self._alert_window_ends:
            self._alert_window_ends = now + self.alert_window
            self._alerts_in_window = 0
        if self._alerts_in_window < self.max_alerts:
            self._alerts_in_window += 1
            return True
        self._held.add(alert)
        return False

    def _summary_due(self, now: float, *, force: bool = False) -> list[Alert]:
        """Called with the lock held: the summary of the held alerts once their window
        is over (or now, with ``force``), as a list of zero or one alert."""
        held = self._held
        if not held.keys or (now < self._alert_window_ends and not force):
            return []
        self._held = _Held()
        assert held.first_seen is not None and held.last_seen is not None
        return [
            Alert(
                severity="high",
                key=SUMMARY_KEY,
                message=(
                    f"{held.keys} more keys over the contract violation threshold within "
                    f"{self.alert_window:g} s (alerts are capped at {self.max_alerts} a "
                    "window)"
                ),
                count=held.keys,
                window=self.alert_window,
                first_seen=held.first_seen,
                last_seen=held.last_seen,
                errors=tuple(held.sample),
            )
        ]

    def _send_summary(self, *, force: bool = False) -> float:
        """Send the held alerts' summary if it is due; the seconds until it would be."""
        now = self._clock()
        with self._lock:
            alerts = self._summary_due(now, force=force)
            wait = self._alert_window_ends - now if self._held.keys else math.inf
        for alert in alerts:
            logger.error("%s: %s", alert.message, "; ".join(alert.errors))
            self._send(alert)
        return max(0.0, wait)

    def _send(self, alert: Alert) -> None:
        for sink in self.alert_sinks:
            try:
                sink.send(alert)
            except Exception:
                logger.exception("alert sink %r failed", sink)

    def _send_queued(self) -> None:
        with self._lock:
            alerts = list(self._alerts)
            self._alerts.clear()
        for alert in alerts:
            self._send(alert)

    # -- reporting -------------------------------------------------------------------------

    def snapshot(self) -> Report:
        """The report the monitor would send now (not split, nothing sent or cleared).

        A report in flight is not in it: its entries come back only if it fails.
        """
        with self._lock:
            entries = [entry.to_report(key) for key, entry in self._buffer.items()]
            dropped = self._dropped
        return {"timestamp": _iso(self._wall_clock()), "dropped": dropped, "violations": entries}

    def flush(self) -> bool:
        """Report everything now, on this thread; True when all of it was accepted.

        The buffer is swapped for an empty one and reported in chunks of at most 1000
        entries. When the reporter raises, that chunk and the ones after it are merged
        back into the buffer under what was recorded meanwhile.
        """
        with self._report_lock:
            with self._lock:
                pending, dropped = self._buffer, self._dropped
                self._buffer, self._dropped = {}, 0
            if not pending and not dropped:
                return True
            items = list(pending.items())
            for start in range(0, max(len(items), 1), MAX_REPORT_ENTRIES):
                chunk = items[start : start + MAX_REPORT_ENTRIES]
                chunk_dropped = dropped if start == 0 else 0
                try:
                    self.reporter(
                        {
                            "timestamp": _iso(self._wall_clock()),
                            "dropped": chunk_dropped,
                            "violations": [entry.to_report(key) for key, entry in chunk],
                        }
                    )
                except BaseException as exc:
                    self._restore(dict(items[start:]), chunk_dropped)
                    wait = getattr(exc, "retry_after", None)  # RateLimited: the server's
                    self._retry_after = wait if isinstance(wait, int | float) else None
                    if not isinstance(exc, Exception):
                        raise  # KeyboardInterrupt and the like: kept, and passed on
                    logger.warning(
                        "contract violation report not accepted (%s); %d key(s) kept for "
                        "the next attempt",
                        exc,
                        len(items) - start,
                    )
                    return False
            with self._lock:
                self._full_warned = False
            return True

    def _restore(self, older: dict[str, _Entry], dropped: int) -> None:
        """Merge a report that was not accepted back under what came in meanwhile."""
        with self._lock:
            for key, newer in self._buffer.items():
                entry = older.get(key)
                if entry is not None:
                    entry.absorb(newer, self.max_errors)
                elif len(older) < self.max_keys:
                    older[key] = newer
                else:  # the older keys were admitted first; these are over the bound
                    dropped += newer.count
            self._buffer = older
            self._dropped += dropped

    def run_pending(self) -> float:
        """Send queued alerts and report if a report is due; the seconds until the next.

        After an accepted report the next is due in ``report_interval``; after a failed
        one, when ``backoff`` says (attempt 0, 1, 2, ...). The monitor's thread calls
        this in a loop; call it yourself to drive a monitor that has no thread. A report
        the server refused with 429 is not tried again before its ``Retry-After``.
        """
        self._send_queued()
        summary_in = self._send_summary()
        with self._report_lock:
            if self._clock() >= self._next_report:
                if self.flush():
                    self._failures = 0
                    self._next_report = self._clock() + self.report_interval
                else:
                    delay = max(self.backoff.delay(self._failures), self._retry_after or 0.0)
                    self._failures += 1
                    self._next_report = self._clock() + delay
                    logger.info(
                        "contract violation report failed %d time(s); next try in %.1f s",
                        self._failures,
                        delay,
                    )
            return min(summary_in, max(0.0, self._next_report - self._clock()))

    # -- the thread ------------------------------------------------------------------------

    def start(self) -> Self:
        """Start reporting on a daemon thread (once; a second call does nothing)."""
        with self._lock:
            if self._thread is not None:
                return self
            stopping = threading.Event()
            thread = threading.Thread(
                target=self._run, args=(stopping,), name=THREAD_NAME, daemon=True
            )
            self._thread, self._stopping = thread, stopping
        thread.start()
        if self.flush_at_exit:
            atexit.register(self.stop)
        return self

    def _run(self, stopping: threading.Event) -> None:
        while not stopping.is_set():
            self._wake.clear()  # before looking: a wake-up from now on is not missed
            try:
                delay = self.run_pending()
            except Exception:  # the thread must outlive a bad sink or clock
                logger.exception("contract monitor failed; carrying on")
                delay = self.report_interval
            self._wake.wait(delay)
        self._send_queued()
        self._send_summary(force=True)
        self._last_flush_ok = self.flush()

    def stop(self, timeout: float | None = 10.0) -> bool:
        """Stop the thread after one last report; True when that report was accepted.

        Waits up to ``timeout`` seconds for the thread (False if it is still busy). A
        monitor that was not started reports on the calling thread instead. The
        monitor can be started again.
        """
        with self._lock:
            thread, stopping = self._thread, self._stopping
            self._thread = None  # from now on record() sends alerts itself
        if self.flush_at_exit:
            atexit.unregister(self.stop)
        if thread is None:
            self._send_queued()
            self._send_summary(force=True)
            return self.flush()
        stopping.set()
        self._wake.set()
        thread.join(timeout)
        self._send_queued()
        if thread.is_alive():
            logger.warning("the contract monitor's thread did not stop within %s s", timeout)
            return False
        return self._last_flush_ok

    def close(self) -> None:
        """``stop()``, then close the reporter and the sinks that can be closed."""
        self.stop()
        for part in (self.reporter, *self.alert_sinks):
            close = getattr(part, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
