"""Guild scheduled events: the REST routes discord.py uses, validated the way Discord validates them.

Kept in the sandbox's own records (`world.scheduled_events`). What Discord checks and this checks too:
Manage Events (or Create Events) for the bot, a name of 1 to 100 characters, `privacy_level` 2 (guild
only), an `entity_type` of 1 (stage), 2 (voice) or 3 (external); an external event has no channel, a
location of 1 to 100 characters and an end; a start in the future and an end after it; a description of
at most 1,000 characters; and the status moves only scheduled → active → completed, or scheduled →
cancelled. Discord does not start an external event by itself in this sandbox: a bot must set it active.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

from .bodies import read_body
from .errors import ApiError, form_error, json_response, no_content
from .ids import snowflake
from .payloads import user_payload
from .permissions import CREATE_EVENTS, MANAGE_EVENTS
from .state import utcnow
from .world import World

SCHEDULED, ACTIVE, COMPLETED, CANCELLED = 1, 2, 3, 4
STAGE, VOICE, EXTERNAL = 1, 2, 3
GUILD_ONLY = 2

_MOVES = {SCHEDULED: {SCHEDULED, ACTIVE, CANCELLED}, ACTIVE: {ACTIVE, COMPLETED}}


@dataclass
class ScheduledEvent:
    """A guild's scheduled event as the sandbox keeps it; `history` lists every accepted body."""

    id: int
    guild_id: int
    creator_id: int
    name: str
    description: str | None
    scheduled_start_time: str
    scheduled_end_time: str | None
    privacy_level: int
    status: int
    entity_type: int
    channel_id: int | None
    location: str | None
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        return datetime.fromisoformat(self.scheduled_start_time)

    @property
    def end(self) -> datetime | None:
        return None if self.scheduled_end_time is None else datetime.fromisoformat(self.scheduled_end_time)


def event_payload(event: ScheduledEvent, world: World) -> dict[str, Any]:
    creator = world.users.get(event.creator_id)
    return {
        "id": str(event.id),
        "guild_id": str(event.guild_id),
        "channel_id": None if event.channel_id is None else str(event.channel_id),
        "creator_id": str(event.creator_id),
        "creator": user_payload(creator) if creator else None,
        "name": event.name,
        "description": event.description,
        "scheduled_start_time": event.scheduled_start_time,
        "scheduled_end_time": event.scheduled_end_time,
        "privacy_level": event.privacy_level,
        "status": event.status,
        "entity_type": event.entity_type,
        "entity_id": None,
        "entity_metadata": {"location": event.location} if event.location is not None else None,
        "user_count": 0,
        "image": None,
        "recurrence_rule": None,
    }


def _time(body: dict[str, Any], key: str) -> datetime | None:
    value = body.get(key)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise form_error(key, "DATE_TIME_TYPE_PARSE", "Could not parse date. Should be ISO8601.") from exc
    if moment.tzinfo is None:
        raise form_error(key, "DATE_TIME_TYPE_PARSE", "Could not parse date. Should be ISO8601.")
    return moment


def _text(body: dict[str, Any], key: str, low: int, high: int, path: str | None = None) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise form_error(path or key, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
    return value


def _merged(event: ScheduledEvent | None, body: dict[str, Any]) -> dict[str, Any]:
    """The event as it would be after `body` (a create when `event` is None), validated as a whole."""
    current: dict[str, Any] = {}
    if event is not None:
        current = {
            "name": event.name,
            "description": event.description,
            "scheduled_start_time": event.scheduled_start_time,
            "scheduled_end_time": event.scheduled_end_time,
            "privacy_level": event.privacy_level,
            "entity_type": event.entity_type,
            "channel_id": event.channel_id,
            "entity_metadata": {"location": event.location} if event.location is not None else None,
            "status": event.status,
        }
    merged = {**current, **body}
    name = _text(merged, "name", 1, 100)
    if name is None:
        raise form_error("name", "BASE_TYPE_REQUIRED", "This field is required")
    _text(merged, "description", 0, 1000)
    if merged.get("privacy_level") is None:
        raise form_error("privacy_level", "BASE_TYPE_REQUIRED", "This field is required")
    if merged.get("privacy_level") != GUILD_ONLY:
        raise form_error("privacy_level", "ENUM_TYPE_COERCE", "Invalid privacy level for event.")
    entity_type = merged.get("entity_type")
    if entity_type not in (STAGE, VOICE, EXTERNAL):
        raise form_error("entity_type", "ENUM_TYPE_COERCE", "Value is not a valid enum value.")
    start = _time(merged, "scheduled_start_time")
    if start is None:
        raise form_error("scheduled_start_time", "BASE_TYPE_REQUIRED", "This field is required")
    end = _time(merged, "scheduled_end_time")
    starts_changed = event is None or "scheduled_start_time" in body
    if starts_changed and merged.get("status", SCHEDULED) == SCHEDULED and start <= utcnow():
        raise form_error(
            "scheduled_start_time",
            "GUILD_SCHEDULED_EVENT_SCHEDULED_START_TIME_IN_PAST",
            "Cannot schedule event in the past.",
        )
    if end is not None and end <= start:
        raise form_error(
            "scheduled_end_time",
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
            "Cannot schedule event to end before starting.",
        )
    metadata = merged.get("entity_metadata") or {}
    if entity_type == EXTERNAL:
        if merged.get("channel_id") is not None:
            raise form_error(
                "channel_id", "CHANNEL_ID_NOT_ALLOWED", "Channel must be null for external events."
            )
        if not _text(metadata, "location", 1, 100, "entity_metadata.location"):
            raise form_error("entity_metadata.location", "BASE_TYPE_REQUIRED", "This field is required")
        if end is None:
            raise form_error("scheduled_end_time", "BASE_TYPE_REQUIRED", "This field is required")
    elif merged.get("channel_id") is None:
        raise form_error("channel_id", "BASE_TYPE_REQUIRED", "This field is required")
    return merged


class ScheduledEventRoutes:
    """GET (list, one), POST, PATCH and DELETE on `/guilds/{guild_id}/scheduled-events`, and its users."""

    def __init__(self, world: World) -> None:
        self.world = world

    def register(self, app: web.Application) -> None:
        base = "/api/v10/guilds/{guild_id:\\d+}/scheduled-events"
        one = base + "/{event_id:\\d+}"
        app.router.add_get(base, self.list_events)
        app.router.add_post(base, self.create)
        app.router.add_get(one, self.get)
        app.router.add_patch(one, self.edit)
        app.router.add_delete(one, self.delete)
        app.router.add_get(one + "/users", self.users)

    def _guild_id(self, request: web.Request) -> int:
        guild_id = int(request.match_info["guild_id"])
        if guild_id not in self.world.guilds:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild_id

    def _event(self, request: web.Request) -> ScheduledEvent:
        guild_id = self._guild_id(request)
        event = self.world.scheduled_events.get(int(request.match_info["event_id"]))
        if event is None or event.guild_id != guild_id:
            raise ApiError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    def _require_manage_events(self, guild_id: int) -> None:
        granted = self.world.guilds[guild_id].member_permissions(self.world.bot_user.id)
        if not granted & (MANAGE_EVENTS | CREATE_EVENTS):
            raise ApiError(403, 50013, "Missing Permissions")

    async def list_events(self, request: web.Request) -> web.Response:
        guild_id = self._guild_id(request)
        events = [e for e in self.world.scheduled_events.values() if e.guild_id == guild_id]
        return json_response([event_payload(e, self.world) for e in events])

    async def get(self, request: web.Request) -> web.Response:
        return json_response(event_payload(self._event(request), self.world))

    async def users(self, request: web.Request) -> web.Response:
        self._event(request)
        return json_response([])

    async def create(self, request: web.Request) -> web.Response:
        guild_id = self._guild_id(request)
        self._require_manage_events(guild_id)
        body, _files = await read_body(request)
        if "status" in body:
            body = {k: v for k, v in body.items() if k != "status"}  # Discord ignores it on create
        merged = _merged(None, body)
        event = ScheduledEvent(
            id=snowflake(),
            guild_id=guild_id,
            creator_id=self.world.bot_user.id,
            name=merged["name"],
            description=merged.get("description"),
            scheduled_start_time=_iso(merged["scheduled_start_time"]),
            scheduled_end_time=_iso(merged.get("scheduled_end_time")),
            privacy_level=GUILD_ONLY,
            status=SCHEDULED,
            entity_type=merged["entity_type"],
            channel_id=_snowflake_or_none(merged.get("channel_id")),
            location=(merged.get("entity_metadata") or {}).get("location"),
            history=[body],
        )
        self.world.scheduled_events[event.id] = event
        self.world.changed()
        return json_response(event_payload(event, self.world))

    async def edit(self, request: web.Request) -> web.Response:
        event = self._event(request)
        self._require_manage_events(event.guild_id)
        body, _files = await read_body(request)
        if event.status not in _MOVES:
            raise ApiError(400, 180000, "Cannot modify a finished event")
        status = body.get("status", event.status)
        if status not in _MOVES[event.status]:
            raise form_error("status", "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION", "Invalid status.")
        merged = _merged(event, body)
        event.name = merged["name"]
        event.description = merged.get("description")
        event.scheduled_start_time = _iso(merged["scheduled_start_time"])
        event.scheduled_end_time = _iso(merged.get("scheduled_end_time"))
        event.entity_type = merged["entity_type"]
        event.channel_id = _snowflake_or_none(merged.get("channel_id"))
        event.location = (merged.get("entity_metadata") or {}).get("location")
        event.status = status
        event.history.append(body)
        self.world.changed()
        return json_response(event_payload(event, self.world))

    async def delete(self, request: web.Request) -> web.Response:
        event = self._event(request)
        self._require_manage_events(event.guild_id)
        del self.world.scheduled_events[event.id]
        self.world.changed()
        return no_content()


def _iso(value: Any) -> Any:
    if value is None:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).isoformat()


def _snowflake_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
