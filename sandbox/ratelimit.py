"""Rate limits: per-route buckets with Discord's headers, a hidden shared per-channel write budget and a
global cap.

The channel budget is what makes real 429s happen: message create and message edit report different bucket
hashes (each with a generous limit), so discord.py cannot see that both draw on one budget of
``channel_writes`` per ``channel_window`` seconds and only finds out from a 429.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import math
import time
from dataclasses import dataclass, field

#: Route templates (as registered on the REST app) whose writes draw on a channel's shared budget.
CHANNEL_WRITE_ROUTES = frozenset(
    {
        ("POST", "/channels/{channel_id}/messages"),
        ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    }
)


@dataclass
class RateLimitConfig:
    """Tunable limits. ``enabled=False`` turns every check off (headers are still sent)."""

    enabled: bool = True
    channel_writes: int = 5
    channel_window: float = 5.0
    message_route_limit: int = 10
    message_route_window: float = 5.0
    route_limit: int = 50
    route_window: float = 1.0
    global_limit: int = 50
    global_window: float = 1.0
    #: Edits of messages older than an hour allowed per channel per hour before 400 code 30046.
    old_message_edits: int = 3


@dataclass
class _Window:
    """A fixed window bucket, as Discord's route buckets behave."""

    limit: int
    window: float
    started: float = 0.0
    used: int = 0

    def roll(self, now: float) -> None:
        if now >= self.started + self.window:
            self.started = now
            self.used = 0

    def reset_after(self, now: float) -> float:
        return max(0.0, self.started + self.window - now)


@dataclass
class Decision:
    """Outcome of a rate limit check: headers to send, and the 429 details when refused."""

    headers: dict[str, str] = field(default_factory=dict)
    limited: bool = False
    scope: str = "user"
    retry_after: float = 0.0
    is_global: bool = False
    bucket: str = ""
    #: (channel id, time) of the channel write this request reserved; released if the request fails.
    reservation: tuple[int, float] | None = None


def bucket_hash(method: str, route: str) -> str:
    """A stable opaque hash per route, different for every method+template (like Discord's)."""
    return hashlib.sha1(f"{method} {route}".encode()).hexdigest()[:16]


class RateLimiter:
    """Applies route buckets, the shared channel write budget and the global limit to requests."""

    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self._routes: dict[tuple[str, str], _Window] = {}
        self._channel_writes: dict[int, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._global: collections.deque[float] = collections.deque()
        self._old_edits: dict[int, collections.deque[float]] = collections.defaultdict(collections.deque)

    def _route_window(self, method: str, route: str, major: str) -> tuple[str, _Window]:
        digest = bucket_hash(method, route)
        key = (digest, major)
        window = self._routes.get(key)
        if window is None:
            if (method, route) in CHANNEL_WRITE_ROUTES:
                window = _Window(self.config.message_route_limit, self.config.message_route_window)
            else:
                window = _Window(self.config.route_limit, self.config.route_window)
            self._routes[key] = window
        return digest, window

    def check(
        self, method: str, route: str, major: str, *, channel_id: int | None, exempt_global: bool
    ) -> Decision:
        """Decide whether a request may proceed; a permitted request is counted against its buckets."""
        now = time.monotonic()
        digest, window = self._route_window(method, route, major)
        window.roll(now)
        decision = Decision(bucket=digest)
        if self.config.enabled:
            if not exempt_global:
                self._trim(self._global, now, self.config.global_window)
                if len(self._global) >= self.config.global_limit:
                    retry = self._global[0] + self.config.global_window - now
                    return self._refuse(decision, window, now, "global", retry, is_global=True)
            if window.used >= window.limit:
                return self._refuse(decision, window, now, "user", window.reset_after(now))
            if channel_id is not None and (method, route) in CHANNEL_WRITE_ROUTES:
                writes = self._channel_writes[channel_id]
                self._trim(writes, now, self.config.channel_window)
                if len(writes) >= self.config.channel_writes:
                    retry = writes[0] + self.config.channel_window - now
                    return self._refuse(decision, window, now, "shared", retry)
                # Reserve now, not when the handler finishes: concurrent requests must not all slip through.
                writes.append(now)
                decision.reservation = (channel_id, now)
        window.used += 1
        if not exempt_global:
            self._global.append(now)
        decision.headers = self._headers(digest, window, now)
        return decision

    def allow_old_message_edit(self, channel_id: int) -> bool:
        """Count an edit of a message older than an hour; False once the channel's hourly cap is used up."""
        if not self.config.enabled:
            return True
        now = time.monotonic()
        edits = self._old_edits[channel_id]
        self._trim(edits, now, 3600.0)
        if len(edits) >= self.config.old_message_edits:
            return False
        edits.append(now)
        return True

    def release(self, decision: Decision) -> None:
        """Give back a channel write reserved by a request that then failed (400, 403, 404...)."""
        if decision.reservation is None:
            return
        channel_id, at = decision.reservation
        with contextlib.suppress(ValueError):
            self._channel_writes[channel_id].remove(at)
        decision.reservation = None

    @staticmethod
    def _trim(times: collections.deque[float], now: float, window: float) -> None:
        while times and times[0] <= now - window:
            times.popleft()

    def _headers(self, digest: str, window: _Window, now: float) -> dict[str, str]:
        reset_after = window.reset_after(now)
        return {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(max(0, window.limit - window.used)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": digest,
        }

    def _refuse(
        self,
        decision: Decision,
        window: _Window,
        now: float,
        scope: str,
        retry: float,
        *,
        is_global: bool = False,
    ) -> Decision:
        retry = max(retry, 0.001)
        decision.limited = True
        decision.scope = scope
        decision.retry_after = round(retry, 3)
        decision.is_global = is_global
        headers = self._headers(decision.bucket, window, now)
        headers.update(
            {
                "Retry-After": str(math.ceil(retry)),
                "X-RateLimit-Scope": scope,
                # Without Via discord.py takes a 429 for a Cloudflare ban and raises instead of retrying.
                "Via": "1.1 google",
            }
        )
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        decision.headers = headers
        return decision
