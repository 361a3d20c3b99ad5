"""`GET /api/v1/asyncapi.json`: the rooms' AsyncAPI document."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .asyncapi import generate


@cache
def _document() -> dict[str, Any]:
    return generate()


@require_GET
def asyncapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_document(), json_dumps_params={"ensure_ascii": False})
