"""Discord-shaped API errors and JSON responses (``Content-Type: application/json`` exactly)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class SandboxError(Exception):
    """Misuse of the sandbox driver by a test (unknown command/option, bot not connected, ...)."""


class NoResponse(AssertionError):
    """The bot did not answer an interaction the way Discord requires (no answer, or a refused one)."""


class ApiError(Exception):
    """An error the REST API answers with, in Discord's ``{"code", "message", "errors"}`` shape."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


def form_error(path: str, code: str, message: str) -> ApiError:
    """A 400 50035 Invalid Form Body naming the offending field path (``embeds.0.title``)."""
    errors: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path.split(".")):
        errors = {part: errors}
    return ApiError(400, 50035, "Invalid Form Body", errors)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response; discord.py only parses bodies whose Content-Type is exactly application/json."""
    all_headers = {"Content-Type": "application/json"}
    if headers:
        all_headers.update(headers)
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def no_content(headers: dict[str, str] | None = None) -> web.Response:
    """An empty 204, what Discord answers to deletes, pins and reactions."""
    return web.Response(status=204, headers=headers)
