"""Where the server's contract violations go.

The HTTP middleware and the live rooms report every violation they see to
``server_recorder()``: the recorders named in ``settings.CONTRACT_VIOLATION_RECORDERS``
(dotted paths of ``ViolationRecorder`` classes or factories, built once), all behind the
SDK's ``ViolationRecorder`` interface, the same one the SDK reports to.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string
from videoplanet_client.contract import (
    ContractViolation,
    FanOutRecorder,
    LoggingRecorder,
    ViolationRecorder,
)

SOURCE = "server"


def log_recorder() -> LoggingRecorder:
    """Violations as warnings on the ``videoplanet.contracts`` logger."""
    return LoggingRecorder("videoplanet.contracts")


@cache
def server_recorder() -> ViolationRecorder:
    # Behind FanOutRecorder, a failing recorder is logged and never breaks a request.
    return FanOutRecorder(import_string(path)() for path in settings.CONTRACT_VIOLATION_RECORDERS)


@receiver(setting_changed)
def _forget_recorders(*, setting: str, **kwargs: Any) -> None:
    if setting == "CONTRACT_VIOLATION_RECORDERS":
        server_recorder.cache_clear()


def record(violation: ContractViolation) -> None:
    server_recorder().record(violation)
