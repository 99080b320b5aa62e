"""The sandbox's live state and the operations every layer shares (REST, gateway, callbacks, driver).

Owns the registry of guilds/channels/members, message storage and its rules (validation, attachments,
pings, DM refusal), the records tests read, gateway event fan-out, and change notification for waits.
"""

# The driver's public API takes timeout= arguments by design (tests read better than asyncio.timeout blocks).

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from . import permissions as perms
from .bodies import UploadedFile
from .errors import ApiError
from .ids import snowflake
from .payloads import (
    channel_payload,
    guild_payload,
    member_payload,
    message_payload,
    role_payload,
    user_payload,
)
from .ratelimit import RateLimitConfig, RateLimiter
from .state import (
    DM_CHANNEL,
    EPHEMERAL,
    LOADING,
    AckRecord,
    Channel,
    CommandSync,
    Guild,
    InteractionRecord,
    Member,
    Message,
    MessageEdit,
    RateLimitRecord,
    RequestRecord,
    Role,
    StoredAttachment,
    UnknownRoute,
    User,
    utcnow,
)
from .validation import compute_pings, ensure_not_empty, validate_message

Dispatcher = Callable[[str, dict[str, Any]], None]

#: Message flags a bot may set on create (suppress embeds, ephemeral, suppress notifications, components v2).
_SETTABLE_FLAGS = (1 << 2) | EPHEMERAL | (1 << 12) | (1 << 15)


class World:
    """All sandbox state. Methods that change state call :meth:`changed` so waiters re-check."""

    def __init__(
        self,
        *,
        rate_limits: RateLimitConfig,
        interaction_deadline: float = 3.0,
        followup_window: float = 900.0,
        token: str | None = None,
    ) -> None:
        self.token = token or f"sandbox.{secrets.token_urlsafe(24)}"
        self.application_id = snowflake()
        self.bot_user = User(id=self.application_id, username="Sandbox Bot", bot=True)
        self.owner = User(id=snowflake(), username="sandbox-owner")
        self.interaction_deadline = interaction_deadline
        self.followup_window = followup_window
        self.limiter = RateLimiter(rate_limits)
        self.base_url = ""

        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.attachments: dict[int, StoredAttachment] = {}
        #: Registered application commands: key None is global, otherwise a guild id.
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}

        self.requests: list[RequestRecord] = []
        self.rate_limited: list[RateLimitRecord] = []
        self.unknown_routes: list[UnknownRoute] = []
        self.command_syncs: list[CommandSync] = []
        self.acks: list[AckRecord] = []
        #: Unexpected exceptions inside sandbox handlers (served as 500s); should stay empty.
        self.server_errors: list[str] = []
        #: How long a create with ``enforce_nonce`` returns the earlier message for the same nonce.
        self.nonce_window = 300.0
        self._nonces: dict[tuple[int, int, str], tuple[int, float]] = {}
        #: Creates answered with an earlier message because their nonce was already used.
        self.nonce_repeats: list[int] = []

        self._dispatch: Dispatcher = lambda event, data: None
        self._waiters: set[asyncio.Future[None]] = set()

    # -- change notification -------------------------------------------------------------------------

    def set_dispatcher(self, dispatcher: Dispatcher) -> None:
        """Install the gateway's event fan-out."""
        self._dispatch = dispatcher

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway DISPATCH to every live bot session."""
        self._dispatch(event, data)

    def changed(self) -> None:
        """Wake every :meth:`wait_until` so it re-evaluates its predicate."""
        waiters, self._waiters = self._waiters, set()
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_until(self, predicate: Callable[[], Any], timeout: float, what: str = "condition") -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every state change); return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"sandbox: timed out after {timeout:g}s waiting for {what}")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.add(fut)
            # Wake at least every 50 ms so predicates that depend on time alone still get re-checked.
            await asyncio.wait({fut}, timeout=min(remaining, 0.05))
            self._waiters.discard(fut)

    # -- registry ------------------------------------------------------------------------------------

    def add_guild(self, name: str) -> Guild:
        guild = Guild(id=snowflake(), name=name, owner_id=self.owner.id)
        guild.roles.append(
            Role(id=guild.id, guild_id=guild.id, name="@everyone", permissions=perms.DEFAULT_EVERYONE)
        )
        bot_role = Role(
            id=snowflake(),
            guild_id=guild.id,
            name=self.bot_user.username,
            permissions=perms.ADMINISTRATOR,
            position=1,
        )
        guild.roles.append(bot_role)
        guild.members[self.bot_user.id] = Member(user=self.bot_user, guild_id=guild.id, roles=[bot_role.id])
        self.guilds[guild.id] = guild
        self.dispatch("GUILD_CREATE", self.guild_create_payload(guild))
        self.changed()
        return guild

    def guild_create_payload(self, guild: Guild) -> dict[str, Any]:
        return guild_payload(guild)

    def add_channel(self, guild: Guild, name: str, *, topic: str | None = None, type: int = 0) -> Channel:
        channel = Channel(
            id=snowflake(), name=name, type=type, guild_id=guild.id, position=len(guild.channels), topic=topic
        )
        guild.channels.append(channel)
        self.channels[channel.id] = channel
        self.channel_messages[channel.id] = []
        self.dispatch("CHANNEL_CREATE", channel_payload(channel))
        self.changed()
        return channel

    def add_role(self, guild: Guild, name: str, *, permissions: int = 0, mentionable: bool = False) -> Role:
        role = Role(
            id=snowflake(),
            guild_id=guild.id,
            name=name,
            permissions=permissions,
            position=len(guild.roles),
            mentionable=mentionable,
        )
        guild.roles.append(role)
        self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role_payload(role)})
        self.changed()
        return role

    def add_member(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        roles: list[Role] | tuple[Role, ...] = (),
        dm_open: bool = True,
        nick: str | None = None,
        user: User | None = None,
    ) -> Member:
        if user is None:
            user = User(id=snowflake(), username=name, global_name=name, dm_open=dm_open)
            self.users[user.id] = user
        role_ids = [r.id for r in roles]
        if permissions:
            # Discord grants permissions only through roles, so give the member a personal role: then both
            # the cached member and the interaction's member show the same guild permissions.
            personal = self.add_role(guild, f"{name} permissions", permissions=permissions)
            role_ids.append(personal.id)
        member = Member(user=user, guild_id=guild.id, roles=role_ids, nick=nick)
        guild.members[user.id] = member
        self.dispatch("GUILD_MEMBER_ADD", member_payload(member) | {"guild_id": str(guild.id)})
        self.changed()
        return member

    def remove_member(self, guild: Guild, member: Member) -> None:
        guild.members.pop(member.id, None)
        self.dispatch("GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": user_payload(member.user)})
        self.changed()

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    def channel(self, channel_id: int) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return channel

    def message(self, channel_id: int, message_id: int) -> Message:
        message = self.messages.get(message_id)
        if message is None or message.channel_id != channel_id or message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with ``user`` (created on first use)."""
        for channel in self.channels.values():
            if channel.type == DM_CHANNEL and channel.recipient_id == user.id:
                return channel
        channel = Channel(id=snowflake(), name="", type=DM_CHANNEL, recipient_id=user.id)
        self.channels[channel.id] = channel
        self.channel_messages[channel.id] = []
        self.changed()
        return channel

    def set_overwrite(self, channel: Channel, target_id: int, kind: int, allow: int, deny: int) -> None:
        """Sets (or, with nothing allowed or denied, removes) a channel overwrite; CHANNEL_UPDATE follows."""
        if allow or deny:
            channel.overwrites[target_id] = (kind, allow, deny)
        else:
            channel.overwrites.pop(target_id, None)
        self.dispatch("CHANNEL_UPDATE", channel_payload(channel))
        self.changed()

    def set_role_permissions(self, role: Role, permissions: int) -> None:
        role.permissions = permissions
        self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(role.guild_id), "role": role_payload(role)})
        self.changed()

    def require_bot_access(self, channel: Channel, *, files: bool = False) -> None:
        """What Discord checks before the bot writes in a guild channel: View Channel (else 50001),
        Send Messages and, with files, Attach Files (else 50013)."""
        guild = self.guild_of(channel)
        if guild is None:
            return
        granted = guild.channel_permissions(channel, self.bot_user.id)
        if not granted & perms.VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if not granted & perms.SEND_MESSAGES or (files and not granted & perms.ATTACH_FILES):
            raise ApiError(403, 50013, "Missing Permissions")

    def permissions_in(self, guild: Guild | None, user_id: int) -> int:
        if guild is None:
            return perms.ALL_PERMISSIONS
        return guild.member_permissions(user_id)

    # -- attachments and messages -------------------------------------------------------------------

    def store_attachment(
        self,
        filename: str,
        data: bytes,
        *,
        content_type: str | None = None,
        description: str | None = None,
        ephemeral: bool = False,
    ) -> StoredAttachment:
        att_id = snowflake()
        url = f"{self.base_url}/attachments/{att_id}/{filename}"
        attachment = StoredAttachment(att_id, filename, data, url, content_type, description, ephemeral)
        self.attachments[att_id] = attachment
        return attachment

    def _attachments_from(
        self,
        body: dict[str, Any],
        files: list[UploadedFile],
        existing: list[StoredAttachment],
        ephemeral: bool,
    ) -> list[StoredAttachment]:
        entries = body.get("attachments")
        by_index = {f.index: f for f in files}
        result: list[StoredAttachment] = []
        used: set[int] = set()
        if entries is None:
            result.extend(existing)
        else:
            keep = {int(e["id"]) for e in entries if str(e.get("id", "")).isdigit() and int(e["id"]) > 1000}
            result.extend(a for a in existing if a.id in keep)
            for entry in entries:
                try:
                    index = int(entry.get("id"))
                except (TypeError, ValueError):
                    continue
                upload = by_index.get(index)
                if upload is not None and index not in used:
                    used.add(index)
                    result.append(
                        self.store_attachment(
                            entry.get("filename") or upload.filename,
                            upload.data,
                            content_type=upload.content_type,
                            description=entry.get("description"),
                            ephemeral=ephemeral,
                        )
                    )
        for upload in files:
            if upload.index not in used:
                result.append(
                    self.store_attachment(
                        upload.filename, upload.data, content_type=upload.content_type, ephemeral=ephemeral
                    )
                )
        return result

    def create_message(
        self,
        channel: Channel,
        author: User,
        body: dict[str, Any],
        files: Sequence[UploadedFile] = (),
        *,
        source: str = "channel",
        webhook_id: int | None = None,
        interaction_id: int | None = None,
        message_type: int = 0,
        extra_flags: int = 0,
    ) -> Message:
        """Validate and store a new message, then dispatch MESSAGE_CREATE (ephemeral ones stay private).

        As on Discord, a create with ``enforce_nonce`` whose nonce this author already used in the channel
        within ``nonce_window`` seconds returns that earlier message and creates nothing.
        """
        nonce_key = None
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            nonce_key = (channel.id, author.id, str(body["nonce"]))
            earlier = self._nonces.get(nonce_key)
            if earlier is not None and time.monotonic() - earlier[1] < self.nonce_window:
                self.nonce_repeats.append(earlier[0])
                self.changed()
                return self.messages[earlier[0]]
        validate_message(body)
        flags = (int(body.get("flags") or 0) & _SETTABLE_FLAGS) | extra_flags
        if source == "channel":
            flags &= ~EPHEMERAL
        content = body.get("content") or ""
        embeds = list(body.get("embeds") or [])
        components = list(body.get("components") or [])
        attachments = self._attachments_from(body, list(files), [], bool(flags & EPHEMERAL))
        if not flags & LOADING:
            ensure_not_empty(content, embeds, attachments, components)
        if channel.type == DM_CHANNEL and author.bot:
            recipient = self.users.get(channel.recipient_id or 0)
            if recipient is not None and not recipient.dm_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        guild = self.guild_of(channel)
        allowed = body.get("allowed_mentions")
        message = Message(
            id=snowflake(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=content,
            embeds=embeds,
            components=components,
            attachments=attachments,
            flags=flags,
            type=message_type,
            created_at=time.monotonic(),
            tts=bool(body.get("tts")),
            allowed_mentions=allowed,
            pinged=compute_pings(content, allowed, guild),
            webhook_id=webhook_id,
            interaction_id=interaction_id,
            source=source,
            message_reference=body.get("message_reference"),
        )
        self.messages[message.id] = message
        self.channel_messages.setdefault(channel.id, []).append(message.id)
        if nonce_key is not None:
            self._nonces[nonce_key] = (message.id, time.monotonic())
        if not message.ephemeral:
            channel.last_message_id = message.id
            self.dispatch("MESSAGE_CREATE", message_payload(message, guild))
        self.changed()
        return message

    def edit_message(
        self,
        message: Message,
        body: dict[str, Any],
        files: Sequence[UploadedFile] = (),
        *,
        via: str = "channel",
    ) -> Message:
        """Apply a PATCH-style edit (fields present are replaced) and dispatch MESSAGE_UPDATE."""
        validate_message(body)
        content = body.get("content", message.content) or ""
        embeds = list(body["embeds"] or []) if "embeds" in body else message.embeds
        components = list(body["components"] or []) if "components" in body else message.components
        attachments = message.attachments
        if files or "attachments" in body:
            attachments = self._attachments_from(body, list(files), message.attachments, message.ephemeral)
        ensure_not_empty(content, embeds, attachments, components)
        message.content = content
        message.embeds = embeds
        message.components = components
        message.attachments = attachments
        if "flags" in body and body["flags"] is not None:
            keep = message.flags & EPHEMERAL
            message.flags = (int(body["flags"]) & _SETTABLE_FLAGS & ~EPHEMERAL) | keep
        message.flags &= ~LOADING
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        message.pinged = compute_pings(
            content, message.allowed_mentions, self.guilds.get(message.guild_id or 0)
        )
        message.edited_timestamp = utcnow()
        message.edits.append(MessageEdit(at=time.monotonic(), payload=body, via=via))
        if not message.ephemeral:
            self.dispatch("MESSAGE_UPDATE", message_payload(message, self.guilds.get(message.guild_id or 0)))
        self.changed()
        return message

    def delete_message(self, message: Message) -> None:
        message.deleted = True
        message.deleted_at = time.monotonic()
        if not message.ephemeral:
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self.dispatch("MESSAGE_DELETE", data)
        self.changed()

    def message_list(self, channel_id: int) -> list[Message]:
        return [self.messages[i] for i in self.channel_messages.get(channel_id, [])]

    def payload_of(self, message: Message) -> dict[str, Any]:
        return message_payload(message, self.guilds.get(message.guild_id or 0))
