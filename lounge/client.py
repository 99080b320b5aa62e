"""`LoungeBot`: the discord.py bot, holding the storage and the channel pacer the entry point hands it.

Start-up (`setup_hook`) runs in a fixed order: migrate the database, start the live screen's web server
(when WEB_PORT is not off), load every cog (which register
their persistent buttons), then sync the command tree only if its payload changed since the last sync.
Nothing here waits on the gateway. Shutdown unloads the cogs (their tasks cancelled) and stops the
pacer before discord.py closes the connection; the entry point closes the database last.
"""

from __future__ import annotations

import hashlib
import json
import logging

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from live.counter import Counters
from live.invitations import Invitations
from live.outbox import OutboxDelivery
from live.pacer import ChannelPacer
from lounge.events import PartyEvents
from lounge.settings import WebSettings
from lounge.tree import LoungeTree
from storage import Storage
from web.server import ScreenServer

log = logging.getLogger(__name__)

# Loaded in this order; a cog may rely on the ones before it.
EXTENSIONS: tuple[str, ...] = (
    "cogs.pages",
    "cogs.party",
    "cogs.ballot",
    "cogs.rsvp",
    "cogs.fundraising",
    "cogs.results",
    "cogs.reminders",
    "cogs.predictions",
    "cogs.ledger",
    "cogs.privacy",
    "cogs.help",
)

# Only the guilds intent: members and messages come with interactions, so no privileged intent is needed.
INTENTS = discord.Intents(guilds=True)

# What the invite asks for; README.md lists the same permissions and their integer. Manage Events: the bot
# lists the party in the server's Events (a scheduled event it creates, edits and completes).
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True, read_message_history=True,
    manage_events=True,
)
INVITE_SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=BOT_PERMISSIONS, scopes=INVITE_SCOPES)


def use_discord_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Points discord.py at a Discord-compatible API (a REST proxy, or the local sandbox) instead of Discord.

    discord.py keeps both addresses as class attributes, so this is process-wide and runs before login.
    """
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


# The bot never joins voice, so discord.py's start-up warnings about missing voice libraries are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class LoungeBot(commands.AutoShardedBot):
    def __init__(
        self,
        store: Storage,
        *,
        dev_guild_id: int | None = None,
        pacer: ChannelPacer | None = None,
        web: WebSettings | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=INTENTS,
            # User text must never ping: every send is silent unless a call opts in to one named user.
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=LoungeTree,
        )
        self.store = store
        self.pacer = pacer or ChannelPacer()
        self.dev_guild_id = dev_guild_id
        self.outbox = OutboxDelivery(self)
        self.invitations = Invitations(self)
        self.party_events = PartyEvents(self)
        self.counters = Counters(self)
        # None when WEB_PORT is off: /party screen then says the screen is turned off.
        self.screen = ScreenServer(store, web) if web is not None else None
        self._said_ready = False

    async def setup_hook(self) -> None:
        version = await self.store.database.migrate()
        log.info("Database ready at schema version %s", version)
        if self.screen is not None:
            await self.screen.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands_if_changed()
        await self.outbox.start()
        await self.counters.start()
        await self.invitations.start()

    async def on_ready(self) -> None:
        # on_ready fires again after every reconnect that needs a new session; the line is said once.
        if self._said_ready or self.user is None or self.application_id is None:
            return
        self._said_ready = True
        servers = len(self.guilds)
        log.info(
            "Ready as %s in %d %s. Invite: %s",
            self.user, servers, "server" if servers == 1 else "servers", invite_url(self.application_id),
        )

    async def sync_commands_if_changed(self) -> bool:
        """Syncs to DEV_GUILD_ID (instantly visible) when set, globally otherwise; returns True if it synced.

        Syncing on every start would spend a tightly limited route for nothing, so the payload's hash is
        kept in the database and compared first.
        """
        guild = discord.Object(self.dev_guild_id) if self.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        target = f"guild:{guild.id}" if guild else "global"
        digest = hashlib.sha256(
            json.dumps([self.application_id, payload], sort_keys=True, default=str).encode()
        ).hexdigest()
        key = f"command_sync:{target}"
        if await self.store.meta.get(key) == digest:
            log.info("Commands unchanged since the last sync (%s); not syncing", target)
            return False
        try:
            synced = await self.tree.sync(guild=guild)
        except (discord.HTTPException, app_commands.CommandSyncFailure) as exc:
            # The bot still answers whatever commands Discord already has; say so and carry on.
            log.error("Command sync to %s failed: %s", target, exc)
            return False
        await self.store.meta.set(key, digest)
        log.info("Synced %d commands (%s)", len(synced), target)
        return True

    async def on_guild_channel_update(
        self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        self._permissions_changed()

    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        self._permissions_changed()

    def _permissions_changed(self) -> None:
        # A host may just have given back a permission the bot lacked: try what was held back.
        self.outbox.permissions_changed()
        self.counters.permissions_changed()

    async def close(self) -> None:
        # Cogs first, so their loops stop before the connection and database they use go away.
        for extension in reversed(list(self.extensions)):
            try:
                await self.unload_extension(extension)
            except commands.ExtensionError:
                log.exception("Unloading %s failed", extension)
        await self.outbox.close()
        await self.invitations.close()
        await self.counters.close()
        if self.screen is not None:
            await self.screen.close()
        await self.pacer.close()
        await super().close()
