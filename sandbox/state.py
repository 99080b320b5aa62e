"""The sandbox's data model: guilds, channels, roles, members, messages, and every record tests assert on.

Everything here is a plain dataclass. Times named ``at``/``*_at`` are ``time.monotonic()`` seconds so
latencies and write rates compare directly; ``timestamp`` fields are wall-clock datetimes for payloads.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from . import permissions as perms

TEXT_CHANNEL = 0
DM_CHANNEL = 1
CATEGORY_CHANNEL = 4
EPHEMERAL = 1 << 6
LOADING = 1 << 7


def utcnow() -> datetime.datetime:
    """Timezone-aware current UTC time."""
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True)
class Attachment:
    """A file a simulated user attaches to a slash command option (input to the driver)."""

    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None


@dataclass
class User:
    """A Discord user (humans and the bot itself)."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    dm_open: bool = True

    @property
    def name(self) -> str:
        return self.username

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    """A guild role. The @everyone role has the guild's id."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    hoist: bool = False
    color: int = 0

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Channel:
    """A guild text/category channel or a DM channel (``guild_id`` None, ``recipient_id`` set)."""

    id: int
    name: str
    type: int = TEXT_CHANNEL
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    recipient_id: int | None = None
    last_message_id: int | None = None
    #: Permission overwrites by role or member id: (type 0 role / 1 member, allow bits, deny bits).
    overwrites: dict[int, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass
class Member:
    """A user's membership of a guild. ``roles`` holds role ids (never the @everyone role)."""

    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: datetime.datetime = field(default_factory=utcnow)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"


@dataclass
class Guild:
    """A guild with its channels, roles (``roles[0]`` is @everyone) and members keyed by user id."""

    id: int
    name: str
    owner_id: int
    channels: list[Channel] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)

    def role(self, role_id: int) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def channel(self, channel_id: int) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def member_permissions(self, user_id: int) -> int:
        """Guild-level permissions of a member, the way Discord computes them (no channel overwrites)."""
        if user_id == self.owner_id:
            return perms.ALL_PERMISSIONS
        member = self.members.get(user_id)
        value = self.roles[0].permissions if self.roles else 0
        if member is not None:
            for role_id in member.roles:
                role = self.role(role_id)
                if role is not None:
                    value |= role.permissions
        return perms.effective(value)

    def channel_permissions(self, channel: Channel, user_id: int) -> int:
        """A member's permissions in ``channel``: Discord's order of @everyone, role, then member
        overwrites on top of the guild permissions; Administrator and the owner ignore overwrites."""
        value = self.member_permissions(user_id)
        if value & perms.ADMINISTRATOR or user_id == self.owner_id:
            return value
        everyone = channel.overwrites.get(self.id)
        if everyone is not None:
            value = (value & ~everyone[2]) | everyone[1]
        member = self.members.get(user_id)
        role_ids = member.roles if member is not None else []
        role_entries = [channel.overwrites[r] for r in role_ids if r in channel.overwrites]
        denied = allowed = 0
        for _, allow, deny in role_entries:
            allowed |= allow
            denied |= deny
        value = (value & ~denied) | allowed
        own = channel.overwrites.get(user_id)
        if own is not None:
            value = (value & ~own[2]) | own[1]
        return value


@dataclass
class StoredAttachment:
    """A file uploaded to the sandbox (by the bot or by a simulated user); served at ``url``."""

    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Pings:
    """Who a message actually notified, after Discord's allowed_mentions filtering."""

    everyone: bool = False
    users: list[int] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return self.everyone or bool(self.users) or bool(self.roles)


@dataclass
class MessageEdit:
    """One edit of a message: when, and the request body that changed it."""

    at: float
    payload: dict[str, Any]
    via: str = "channel"


@dataclass
class Message:
    """A message as Discord stores it, plus the sandbox's bookkeeping (edits, deletion, pings, origin)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[StoredAttachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    created_at: float = 0.0
    timestamp: datetime.datetime = field(default_factory=utcnow)
    edited_timestamp: datetime.datetime | None = None
    edits: list[MessageEdit] = field(default_factory=list)
    deleted: bool = False
    deleted_at: float | None = None
    pinned: bool = False
    tts: bool = False
    allowed_mentions: dict[str, Any] | None = None
    pinged: Pings = field(default_factory=Pings)
    webhook_id: int | None = None
    interaction_id: int | None = None
    #: "channel" (REST channel route), "interaction" (callback/webhook) or "user" (simulated user).
    source: str = "channel"
    reactions: list[tuple[str, int]] = field(default_factory=list)
    message_reference: dict[str, Any] | None = None
    #: Seconds added to the message's real age by ``DiscordSandbox.age_message`` (to test the 1-hour rule).
    age_offset: float = 0.0

    @property
    def age(self) -> float:
        """Seconds since the message was created, including any simulated ageing."""
        return time.monotonic() - self.created_at + self.age_offset

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def custom_ids(self) -> list[str]:
        """Every component custom_id on the message, depth first."""
        found: list[str] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for item in items:
                if "custom_id" in item:
                    found.append(item["custom_id"])
                walk(item.get("components", []))
                if isinstance(item.get("component"), dict):
                    walk([item["component"]])
                if isinstance(item.get("accessory"), dict):
                    walk([item["accessory"]])

        walk(self.components)
        return found


@dataclass
class CommandSync:
    """One write to the application command registry (PUT bulk overwrite, or a single POST/PATCH/DELETE)."""

    at: float
    method: str
    guild_id: int | None
    count: int
    payload: Any


@dataclass
class AckRecord:
    """One interaction callback attempt, accepted or not."""

    at: float
    interaction_id: int
    interaction_type: int
    callback_type: int | None
    latency: float
    status: int
    error_code: int | None = None

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class RateLimitRecord:
    """A 429 the sandbox served."""

    at: float
    method: str
    route: str
    path: str
    scope: str
    bucket: str
    retry_after: float
    is_global: bool


@dataclass
class RequestRecord:
    """One REST request: method, route template, concrete path, status, time."""

    at: float
    method: str
    route: str
    path: str
    status: int = 0


@dataclass
class UnknownRoute:
    """A request no sandbox route handles: a gap in the sandbox (or a bug in the bot)."""

    at: float
    method: str
    path: str


@dataclass
class InteractionRecord:
    """An interaction the driver sent and everything the bot did with it."""

    id: int
    token: str
    type: int
    user_id: int
    guild_id: int | None
    channel_id: int
    payload: dict[str, Any]
    dispatched_at: float
    #: Seconds the interaction had existed when it was dispatched (its snowflake is that much older).
    created_ago: float = 0.0
    deliveries: int = 1
    callback_type: int | None = None
    acked_at: float | None = None
    ephemeral: bool = False
    #: Message the interaction's "@original" refers to (reply, thinking message, or the clicked message).
    original_message_id: int | None = None
    #: Set after a type 5 until the first follow-up or @original edit replaces the thinking message.
    thinking: bool = False
    #: Set once a deferral (5/6) has been completed by a follow-up or an @original edit.
    completed: bool = False
    followup_ids: list[int] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    source_message_id: int | None = None

    @property
    def latency(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.dispatched_at
