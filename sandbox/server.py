"""DiscordSandbox: the public Python API. Starts the aiohttp server on 127.0.0.1, sets up guilds and
members, drives the bot through interactions, and exposes every record for assertions.
"""

# The driver's public API takes timeout= arguments by design (tests read better than asyncio.timeout blocks).

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .callbacks import CallbackRoutes
from .commands import CommandRoutes
from .errors import NoResponse, SandboxError
from .gateway import Gateway, GatewayStats
from .ids import snowflake
from .interactions import ChannelLike, InteractionBuilder, MessageLike, UserLike
from .ratelimit import RateLimitConfig
from .reply import InteractionReply
from .rest import RestRoutes, make_middleware
from .state import (
    DM_CHANNEL,
    AckRecord,
    Channel,
    CommandSync,
    Guild,
    InteractionRecord,
    Member,
    Message,
    RateLimitRecord,
    RequestRecord,
    Role,
    UnknownRoute,
    User,
)
from .world import World

HOST = "127.0.0.1"


class DiscordSandbox:
    """A local Discord-compatible server an unmodified discord.py bot can log into.

    Use as ``async with DiscordSandbox() as sb:`` (or ``await sb.start()`` / ``await sb.stop()``).
    """

    def __init__(
        self,
        *,
        rate_limits: bool | RateLimitConfig = True,
        heartbeat_interval: int = 41250,
        interaction_deadline: float = 3.0,
        followup_window: float = 900.0,
        port: int = 0,
        token: str | None = None,
    ) -> None:
        config = (
            rate_limits if isinstance(rate_limits, RateLimitConfig) else RateLimitConfig(enabled=rate_limits)
        )
        self.world = World(
            rate_limits=config,
            interaction_deadline=interaction_deadline,
            followup_window=followup_window,
            token=token,
        )
        self.gateway = Gateway(self.world, heartbeat_interval=heartbeat_interval)
        self.builder = InteractionBuilder(self.world)
        self._port = port
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------------------------------

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[make_middleware(self.world)], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/ws", self.gateway.handle)
        RestRoutes(self.world, lambda: self.gateway_url).register(app)
        CommandRoutes(self.world).register(app)
        CallbackRoutes(self.world).register(app)
        return app

    async def start(self) -> None:
        """Bind 127.0.0.1 (a free port unless one was given) and start serving."""
        if self._runner is not None:
            return
        runner = web.AppRunner(self._app(), handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, HOST, self._port)
        await site.start()
        self._runner = runner
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://{HOST}:{port}"
        self.world.base_url = self.base_url
        self.gateway.url = self.gateway_url

    async def stop(self) -> None:
        """Close gateway connections and the server."""
        if self._runner is None:
            return
        await self.gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- connection details ----------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE`` / ``DISCORD_API_BASE``."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` / ``DISCORD_GATEWAY_URL``."""
        return f"ws://{self.base_url.removeprefix('http://')}/ws"

    @property
    def token(self) -> str:
        return self.world.token

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def bot_user_id(self) -> int:
        return self.world.bot_user.id

    @property
    def env(self) -> dict[str, str]:
        """Environment variables pointing a bot at this sandbox."""
        return {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
        }

    @property
    def rate_limits_enabled(self) -> bool:
        return self.world.limiter.config.enabled

    @rate_limits_enabled.setter
    def rate_limits_enabled(self, value: bool) -> None:
        self.world.limiter.config.enabled = value

    # -- setup -----------------------------------------------------------------------------------

    def add_guild(self, name: str) -> Guild:
        """A guild the bot is in (it gets a GUILD_CREATE now if connected, else at READY)."""
        return self.world.add_guild(name)

    def add_channel(self, guild: Guild, name: str, *, topic: str | None = None) -> Channel:
        return self.world.add_channel(guild, name, topic=topic)

    def add_role(self, guild: Guild, name: str, *, permissions: int = 0, mentionable: bool = False) -> Role:
        return self.world.add_role(guild, name, permissions=permissions, mentionable=mentionable)

    def add_member(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        roles: list[Role] | tuple[Role, ...] = (),
        dm_open: bool = True,
        nick: str | None = None,
    ) -> Member:
        """A human member; ``permissions`` come through a personal role (Discord grants only via roles)."""
        return self.world.add_member(
            guild, name, permissions=permissions, roles=roles, dm_open=dm_open, nick=nick
        )

    def remove_member(self, guild: Guild, member: Member) -> None:
        self.world.remove_member(guild, member)

    def bot_role(self, guild: Guild) -> Role:
        """The bot's own role in ``guild`` (Administrator until a test changes it)."""
        member = guild.members[self.world.bot_user.id]
        role = guild.role(member.roles[0])
        assert role is not None
        return role

    def set_role_permissions(self, role: Role, permissions: int) -> None:
        """Change a role's permissions, as a host would in Server Settings (GUILD_ROLE_UPDATE follows)."""
        self.world.set_role_permissions(role, permissions)

    def set_channel_permissions(
        self, channel: ChannelLike, target: Role | Member | Guild, *, allow: int = 0, deny: int = 0
    ) -> None:
        """A channel permission overwrite for a role, a member or (the guild) @everyone; allow and deny
        both 0 removes it. CHANNEL_UPDATE follows. The bot's writes obey it unless it is Administrator."""
        kind = 1 if isinstance(target, Member) else 0
        self.world.set_overwrite(self.builder.channel_of(channel), target.id, kind, allow, deny)

    def set_dm_open(self, who: UserLike, dm_open: bool) -> None:
        """Let a user accept or refuse DMs from the bot (refused sends get 403 code 50007)."""
        self.builder.user_of(who).dm_open = dm_open

    # -- simulated users acting outside interactions ------------------------------------------------

    def say(self, who: UserLike, channel: ChannelLike, content: str) -> Message:
        """A user posts a message (the bot receives MESSAGE_CREATE)."""
        user = self.builder.user_of(who)
        return self.world.create_message(
            self.builder.channel_of(channel), user, {"content": content}, source="user"
        )

    def age_message(self, message: MessageLike, seconds: float) -> Message:
        """Make a message ``seconds`` older (its timestamp too), e.g. past the hour after which Discord caps
        edits (400 code 30046 once the channel's small hourly allowance is used)."""
        target = self.builder.message_of(message)
        target.age_offset += seconds
        target.timestamp -= datetime.timedelta(seconds=seconds)
        return target

    def delete_message(self, message: MessageLike) -> None:
        """Someone (a moderator) deletes a message; the bot receives MESSAGE_DELETE."""
        self.world.delete_message(self.builder.message_of(message))

    # -- waiting ---------------------------------------------------------------------------------

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "") -> Any:
        """Wait until ``predicate()`` is truthy; return its value or raise TimeoutError naming ``what``."""
        name = what or getattr(predicate, "__name__", "condition")
        return await self.world.wait_until(predicate, timeout, name)

    async def wait_until_ready(self, timeout: float = 10.0) -> None:
        """Wait until the bot has IDENTIFYed (or resumed) and been sent READY and every GUILD_CREATE."""
        await self.world.wait_until(lambda: bool(self.gateway.live_sessions), timeout, "the bot to connect")

    async def wait_for_commands(self, timeout: float = 10.0, *, count: int = 1) -> list[CommandSync]:
        """Wait until the bot has synced its command tree (at least ``count`` bulk overwrites)."""
        await self.world.wait_until(
            lambda: len(self.command_syncs) >= count, timeout, "the bot to sync commands"
        )
        return self.command_syncs

    async def wait_for_message(
        self, channel: ChannelLike, predicate: Callable[[Message], bool] | None = None, timeout: float = 5.0
    ) -> Message:
        """The first recorded message in ``channel`` (existing or new, not deleted) matching ``predicate``."""
        chan = self.builder.channel_of(channel)

        def find() -> Message | None:
            for message in self.world.message_list(chan.id):
                if not message.deleted and (predicate is None or predicate(message)):
                    return message
            return None

        return await self.world.wait_until(find, timeout, f"a matching message in #{chan.name or chan.id}")

    # -- interactions ----------------------------------------------------------------------------

    def _require_connected(self) -> None:
        if not self.gateway.live_sessions:
            raise SandboxError(
                "the bot is not connected to the sandbox gateway (await sb.wait_until_ready())"
            )

    async def _deliver(
        self, record: InteractionRecord, payload: dict[str, Any], timeout: float, wait_followup: bool = True
    ) -> InteractionReply:
        self._require_connected()
        self.world.interactions[record.id] = record
        self.world.interactions_by_token[record.token] = record
        # Discord's 3 s count from the interaction's creation, which may lie before its dispatch.
        record.dispatched_at = time.monotonic() - record.created_ago
        self.world.dispatch("INTERACTION_CREATE", payload)
        self.world.changed()
        return await self._await_reply(record, timeout, wait_followup, since=len(self.world.acks))

    @staticmethod
    def _backdate(
        built: tuple[InteractionRecord, dict[str, Any]], seconds: float
    ) -> tuple[InteractionRecord, dict[str, Any]]:
        """The interaction as Discord delivers it after a backlog: created ``seconds`` ago (its snowflake)."""
        record, payload = built
        if seconds:
            record.id = snowflake(time.time() - seconds)
            payload["id"] = str(record.id)
            record.created_ago = seconds
        return record, payload

    def _rejection(self, record: InteractionRecord, since: int) -> AckRecord | None:
        return next(
            (a for a in self.world.acks[since:] if a.interaction_id == record.id and not a.accepted), None
        )

    async def _await_reply(
        self, record: InteractionRecord, timeout: float, wait_followup: bool, since: int
    ) -> InteractionReply:
        reply = InteractionReply(record, self.world)

        def answered() -> bool:
            return record.callback_type is not None or self._rejection(record, since) is not None

        try:
            await self.world.wait_until(answered, timeout, "an acknowledgement")
        except TimeoutError:
            reply.error = f"the bot did not acknowledge interaction {record.id} within {timeout:g}s"
            return reply
        if record.callback_type is None:
            rejected = self._rejection(record, since)
            assert rejected is not None
            reply.error = f"callback rejected: {rejected.status} code {rejected.error_code}"
            return reply
        if wait_followup and record.callback_type in (5, 6):
            try:
                await self.world.wait_until(lambda: record.completed, timeout, "a follow-up")
            except TimeoutError:
                reply.error = (
                    f"deferred (type {record.callback_type}) but no follow-up or @original edit "
                    f"within {timeout:g}s"
                )
        return reply

    async def slash(
        self,
        user: UserLike,
        channel: ChannelLike,
        command: str,
        *,
        timeout: float = 5.0,
        wait_followup: bool = True,
        created_ago: float = 0.0,
        options: dict[str, Any] | None = None,
        **values: Any,
    ) -> InteractionReply:
        """Run ``/command sub ...`` as ``user`` in ``channel``; keyword arguments are option values
        (records for users/channels/roles, :class:`Attachment` for files). ``options=`` takes values whose
        names clash with this method's parameters. ``created_ago`` delivers it that many seconds old."""
        record, payload = self._backdate(
            self.builder.slash(user, channel, command, {**(options or {}), **values}), created_ago
        )
        return await self._deliver(record, payload, timeout, wait_followup)

    async def autocomplete(
        self,
        user: UserLike,
        channel: ChannelLike,
        command: str,
        *,
        focused: str,
        timeout: float = 5.0,
        options: dict[str, Any] | None = None,
        **values: Any,
    ) -> list[dict[str, Any]]:
        """Ask for autocomplete choices of option ``focused`` (its value is the text typed so far)."""
        record, payload = self.builder.slash(
            user, channel, command, {**(options or {}), **values}, focused=focused
        )
        reply = await self._deliver(record, payload, timeout, wait_followup=False)
        if reply.choices is None:
            raise NoResponse(f"sandbox: no autocomplete choices for /{command} {focused}: {reply.error}")
        return reply.choices

    async def click(
        self,
        user: UserLike,
        message: MessageLike,
        custom_id: str,
        *,
        timeout: float = 5.0,
        wait_followup: bool = True,
        created_ago: float = 0.0,
    ) -> InteractionReply:
        """Click the button ``custom_id`` on a recorded message (``created_ago``: delivered that old)."""
        record, payload = self._backdate(
            self.builder.component(user, message, custom_id, None, want_select=False), created_ago
        )
        return await self._deliver(record, payload, timeout, wait_followup)

    async def select(
        self,
        user: UserLike,
        message: MessageLike,
        custom_id: str,
        values: list[Any],
        *,
        timeout: float = 5.0,
        wait_followup: bool = True,
    ) -> InteractionReply:
        """Choose ``values`` in select menu ``custom_id`` (option values, or records for entity selects)."""
        record, payload = self.builder.component(user, message, custom_id, values, want_select=True)
        return await self._deliver(record, payload, timeout, wait_followup)

    async def submit_modal(
        self,
        user: UserLike,
        channel: ChannelLike,
        custom_id: str,
        values: dict[str, Any],
        *,
        timeout: float = 5.0,
        wait_followup: bool = True,
    ) -> InteractionReply:
        """Submit the modal ``custom_id`` with ``{input custom_id: value}``, mirroring the modal's layout."""
        record, payload = self.builder.modal_submit(user, channel, custom_id, values)
        return await self._deliver(record, payload, timeout, wait_followup)

    async def redeliver(self, reply: InteractionReply, *, timeout: float = 5.0) -> InteractionReply:
        """Send the same INTERACTION_CREATE again (same id and token), with a fresh 3 s window.

        If the interaction was already acknowledged the bot's second callback gets 400 code 40060 (visible in
        ``acks``); this returns once any callback attempt for the redelivery arrives, or after ``timeout``.
        """
        self._require_connected()
        record = reply.record
        record.deliveries += 1
        record.dispatched_at = time.monotonic()
        since = len(self.world.acks)
        self.world.dispatch("INTERACTION_CREATE", record.payload)
        self.world.changed()
        result = InteractionReply(record, self.world)
        try:
            await self.world.wait_until(
                lambda: any(a.interaction_id == record.id for a in self.world.acks[since:]),
                timeout,
                "a callback for the redelivered interaction",
            )
        except TimeoutError:
            result.error = f"no callback attempt for the redelivery within {timeout:g}s"
        return result

    # -- records ---------------------------------------------------------------------------------

    def messages(
        self, channel: ChannelLike, *, ephemeral: bool = True, deleted: bool = True
    ) -> list[Message]:
        """Recorded messages of a channel in order (``ephemeral=False``/``deleted=False`` hide those)."""
        chan = self.builder.channel_of(channel)
        return [
            m
            for m in self.world.message_list(chan.id)
            if (ephemeral or not m.ephemeral) and (deleted or not m.deleted)
        ]

    def message(self, message_id: int) -> Message:
        return self.builder.message_of(message_id)

    def dm_channel(self, who: UserLike) -> Channel | None:
        user = self.builder.user_of(who)
        return next(
            (c for c in self.world.channels.values() if c.type == DM_CHANNEL and c.recipient_id == user.id),
            None,
        )

    def dms(self, who: UserLike) -> list[Message]:
        """Messages the bot sent to ``who`` in DMs."""
        channel = self.dm_channel(who)
        return [] if channel is None else self.world.message_list(channel.id)

    def writes(self, channel: ChannelLike) -> list[float]:
        """Monotonic times of the bot's own channel writes (creates + edits through the channel routes, the
        writes that share the per-channel budget); interaction replies are not included."""
        chan = self.builder.channel_of(channel)
        times: list[float] = []
        for message in self.world.message_list(chan.id):
            if message.source == "channel":
                times.append(message.created_at)
            times.extend(e.at for e in message.edits if e.via == "channel")
        return sorted(times)

    def max_writes_in_window(self, channel: ChannelLike, window: float = 5.0) -> int:
        """Largest number of channel writes in any ``window`` seconds (to assert "≤ 5 per 5 s")."""
        times = self.writes(channel)
        best = 0
        start = 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """Currently registered commands (global, or of ``guild``)."""
        return self.world.commands.get(guild.id if guild is not None else None, [])

    @property
    def interactions(self) -> list[InteractionRecord]:
        return list(self.world.interactions.values())

    @property
    def rate_limited(self) -> list[RateLimitRecord]:
        return self.world.rate_limited

    @property
    def unknown_routes(self) -> list[UnknownRoute]:
        return self.world.unknown_routes

    @property
    def command_syncs(self) -> list[CommandSync]:
        """Bulk overwrites (method "PUT") and single-command writes, in order."""
        return self.world.command_syncs

    @property
    def acks(self) -> list[AckRecord]:
        return self.world.acks

    @property
    def requests(self) -> list[RequestRecord]:
        return self.world.requests

    @property
    def server_errors(self) -> list[str]:
        return self.world.server_errors

    @property
    def users(self) -> dict[int, User]:
        return self.world.users

    # -- gateway control -------------------------------------------------------------------------

    @property
    def gateway_connections(self) -> GatewayStats:
        """Counts of connections, IDENTIFYs, RESUMEs and op 9s."""
        return self.gateway.stats

    async def drop_gateway(self, resumable: bool = True) -> None:
        """Close the bot's WebSocket (4000). It RESUMEs; if not resumable it gets op 9 and IDENTIFYs again."""
        await self.gateway.drop(resumable=resumable)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT."""
        await self.gateway.request_reconnect()
