"""/party: hosts open and change the night's party; anyone can look at its card."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.predictions import (
    EDIT_OPTION_DESCRIPTIONS,
    change_predictions,
    prediction_lock,
)
from lounge.deadlines import admit
from lounge.events import missing_for_event
from lounge.guards import (
    channel_here,
    guild_id_of,
    manages_server,
    open_party_as_host,
    postable_channel,
    require_host,
    shown_party,
)
from lounge.replies import reply_privately, report_error, send_reply, update_message
from lounge.tree import PUBLIC_REPLY
from rules import Refusal
from rules.admission import MAX_CAPACITY, check_capacity
from rules.money import parse_amount
from rules.reminders import before_text, parse_before
from rules.schedule import Schedule, plan_schedule
from rules.text import clean_name, inert
from rules.times import discord_timestamp, matching_timezones
from storage import Party, PartySettings
from storage.clock import utc_now
from ui.audit_log import log_buttons, log_embed, log_pages
from ui.calendar import calendar_filename, party_calendar
from ui.custom_ids import LOG_PAGE_TEMPLATE, log_custom_id
from ui.export import guests_csv, log_csv, money_csv, predictions_csv, results_csv, totals_csv
from ui.invitation import promotion_message
from ui.notices import problems_field
from ui.party_card import NightSoFar, event_listing, party_card
from ui.wording import (
    BOT_HOST,
    CLOSE_WHERE,
    CREATE_NEEDS_MANAGE_SERVER,
    EVERYONE_AS_HOST_ROLE,
    LOG_GONE,
    NO_START_FOR_CALENDAR,
    NOTHING_TO_CHANGE,
    SCREEN_OFF,
    cannot_post,
    donation_changed,
    hosts_text,
)
from ui.wrapup import wrapup_message

if TYPE_CHECKING:
    from lounge.client import LoungeBot

# A fundraising goal may exceed the per-pledge cap; $100M is beyond any watch party.
GOAL_LIMIT_CENTS = 10_000_000_000
TEXT_MAX = 100

_SETTING_DESCRIPTIONS = {
    "name": "What the party is called, like “Losers Lounge 2026”",
    "venue": "Where it happens",
    "starts": "Start, YYYY-MM-DD HH:MM (24-hour) in the party's time zone",
    "ends": "End, HH:MM or YYYY-MM-DD HH:MM; an HH:MM before the start means the next day",
    "timezone": "IANA time zone such as America/Los_Angeles (default UTC)",
    "charity": "The charity the night raises money for",
    "winner_donation": "What each winner donates, like $1,000 (the default)",
    "goal": "Fundraising goal, like $20,000",
    "capacity": "Most guests, plus-ones included; past it, guests go on a waitlist",
    "host_role": "Members with this role can run host commands",
    "announce_channel": "Where results are announced",
}


def _settings_from_options(
    *,
    name: str | None,
    venue: str | None,
    schedule: Schedule | None,
    charity: str | None,
    winner_donation: str | None,
    goal: str | None,
    capacity: int | None,
    host_role: discord.Role | None,
    announce_channel: discord.TextChannel | None,
) -> PartySettings:
    """Checks every typed option before anything is stored, so a refusal changes nothing."""
    return PartySettings(
        name=clean_name(name, what="party name", max_length=TEXT_MAX) if name is not None else None,
        venue=clean_name(venue, what="venue", max_length=TEXT_MAX) if venue is not None else None,
        starts_at=schedule.starts_at if schedule else None,
        ends_at=schedule.ends_at if schedule else None,
        timezone=schedule.timezone if schedule else None,
        charity=clean_name(charity, what="charity", max_length=TEXT_MAX) if charity is not None else None,
        winner_donation_cents=parse_amount(winner_donation) if winner_donation is not None else None,
        goal_cents=parse_amount(goal, limit_cents=GOAL_LIMIT_CENTS) if goal is not None else None,
        capacity=check_capacity(capacity) if capacity is not None else None,
        host_role_id=host_role.id if host_role is not None else None,
        announce_channel_id=announce_channel.id if announce_channel is not None else None,
    )


def _check_role(role: discord.Role | None) -> None:
    if role is not None and role.is_default():
        raise Refusal(EVERYONE_AS_HOST_ROLE)


@app_commands.guild_only()
class PartyCog(commands.GroupCog, group_name="party", group_description="The awards-night party"):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="create", extras={PUBLIC_REPLY: True})
    @app_commands.describe(**_SETTING_DESCRIPTIONS)
    async def create(
        self,
        interaction: discord.Interaction[LoungeBot],
        name: app_commands.Range[str, 1, 200],
        venue: app_commands.Range[str, 1, 200] | None = None,
        starts: str | None = None,
        ends: str | None = None,
        timezone: str | None = None,
        charity: app_commands.Range[str, 1, 200] | None = None,
        winner_donation: str | None = None,
        goal: str | None = None,
        capacity: app_commands.Range[int, 1, MAX_CAPACITY] | None = None,
        host_role: discord.Role | None = None,
        announce_channel: discord.TextChannel | None = None,
    ) -> None:
        """Open the party for this server (hosts: Manage Server)."""
        guild_id = guild_id_of(interaction)
        if not manages_server(interaction):
            raise Refusal(CREATE_NEEDS_MANAGE_SERVER)
        _check_role(host_role)
        if announce_channel is not None:
            channel_here(interaction, announce_channel, "announcements")
        schedule = plan_schedule(starts=starts, ends=ends, timezone=timezone, now=utc_now())
        settings = _settings_from_options(
            name=name,
            venue=venue,
            schedule=schedule,
            charity=charity,
            winner_donation=winner_donation,
            goal=goal,
            capacity=capacity,
            host_role=host_role,
            announce_channel=announce_channel,
        )
        party = await self.bot.store.parties.create(guild_id, interaction.user.id, settings)
        await send_reply(
            interaction,
            f"The party is open. {interaction.user.mention} is hosting.",
            embed=party_card(party),
            ephemeral=False,
        )
        # After the answer: Discord's 3 seconds are for the member, not for the Events list.
        await self.bot.party_events.sync(party)

    @app_commands.command(name="edit", extras={PUBLIC_REPLY: True})
    @app_commands.describe(**_SETTING_DESCRIPTIONS, **EDIT_OPTION_DESCRIPTIONS)
    async def edit(
        self,
        interaction: discord.Interaction[LoungeBot],
        name: app_commands.Range[str, 1, 200] | None = None,
        venue: app_commands.Range[str, 1, 200] | None = None,
        starts: str | None = None,
        ends: str | None = None,
        timezone: str | None = None,
        charity: app_commands.Range[str, 1, 200] | None = None,
        winner_donation: str | None = None,
        goal: str | None = None,
        capacity: app_commands.Range[int, 1, MAX_CAPACITY] | None = None,
        host_role: discord.Role | None = None,
        announce_channel: discord.TextChannel | None = None,
        predictions: bool | None = None,
        predictions_lock: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Change the open party (hosts)."""
        party = await open_party_as_host(interaction)
        _check_role(host_role)
        if announce_channel is not None:
            channel_here(interaction, announce_channel, "announcements")
        lock = prediction_lock(predictions_lock, party)
        schedule = None
        if starts is not None or ends is not None or timezone is not None:
            schedule = plan_schedule(
                starts=starts,
                ends=ends,
                timezone=timezone,
                now=utc_now(),
                current=Schedule(party.starts_at, party.ends_at, party.timezone),
            )
        settings = _settings_from_options(
            name=name,
            venue=venue,
            schedule=schedule,
            charity=charity,
            winner_donation=winner_donation,
            goal=goal,
            capacity=capacity,
            host_role=host_role,
            announce_channel=announce_channel,
        )
        if settings == PartySettings() and predictions is None and lock is None:
            raise Refusal(NOTHING_TO_CHANGE)
        if settings != PartySettings():
            party = await self.bot.store.parties.edit(party.id, settings, by=interaction.user.id)
        game = await change_predictions(self.bot.store, party, predictions, lock)
        if settings.capacity is not None:
            await self.bot.store.rsvps.promote_waitlisted(
                party.id, notice=promotion_message(party.name), fallback_channel_id=interaction.channel_id
            )
        reply = "Party updated." + (f" {game}" if game else "")
        if settings.winner_donation_cents is not None:
            kept = await self.bot.store.dues.at_other_amount(party.id, settings.winner_donation_cents)
            reply += " " + donation_changed(settings.winner_donation_cents, kept)
        await send_reply(
            interaction, reply, embed=party_card(party, await self._night(party)), ephemeral=False
        )
        await self.bot.party_events.sync(party)

    @app_commands.command(name="show", extras={PUBLIC_REPLY: True})
    async def show(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """The party card: when, where, charity and how the night is going."""
        party = await shown_party(interaction)
        events = self.bot.party_events
        listing = event_listing(
            await events.link(party), missing_for_event(party), events.can_manage_events(party.guild_id)
        )
        card = party_card(party, await self._night(party), events=listing if party.is_open else None)
        problems = await self.bot.store.outbox.open_problems(party.id)
        if problems:
            card.add_field(name="Can't post", value=problems_field(problems), inline=False)
        await send_reply(interaction, embed=card, ephemeral=False)

    @app_commands.command(name="close")
    async def close(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """Close the night: freeze RSVPs and pledges and post the wrap-up (hosts)."""
        party = await open_party_as_host(interaction)
        channel_id = party.announce_channel_id or interaction.channel_id
        if channel_id is None:
            raise Refusal(CLOSE_WHERE)
        await interaction.response.defer(ephemeral=True)
        party, row = await self.bot.store.close_party(
            party.id, channel_id=channel_id, compose=wrapup_message, by=interaction.user.id
        )
        await self.bot.party_events.finish(party)
        status = await self.bot.outbox.reply_line(row, channel_id)
        reply = f"The party is closed: RSVPs and pledges are frozen. The wrap-up: {status}"
        await interaction.followup.send(reply, ephemeral=True)

    @app_commands.command(name="export")
    async def export(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """CSV files of guests, pledges and payments, results and predictions (hosts)."""
        party = await shown_party(interaction)
        await require_host(interaction, party)
        await interaction.response.defer(ephemeral=True)
        reports = self.bot.store.reports
        stem = f"party-{party.id}"
        files = [
            discord.File(
                io.BytesIO(guests_csv(await reports.guests(party.id))), filename=f"{stem}-guests.csv"
            ),
            discord.File(io.BytesIO(money_csv(await reports.money(party.id))), filename=f"{stem}-money.csv"),
            discord.File(
                io.BytesIO(results_csv(await reports.results(party.id))), filename=f"{stem}-results.csv"
            ),
            discord.File(
                io.BytesIO(predictions_csv(await self.bot.store.predictions.export_rows(party.id))),
                filename=f"{stem}-predictions.csv",
            ),
            discord.File(
                io.BytesIO(totals_csv(await self.bot.store.ledger.figures(party.id))),
                filename=f"{stem}-totals.csv",
            ),
            discord.File(
                io.BytesIO(log_csv(await self.bot.store.audit.entries(party.id))), filename=f"{stem}-log.csv"
            ),
        ]
        await interaction.followup.send(f"The export of {inert(party.name)}:", files=files, ephemeral=True)

    @app_commands.command(name="calendar")
    async def calendar(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """The party as a calendar file (.ics) for any calendar app, just for you."""
        party = await shown_party(interaction)
        if party.starts_at is None:
            raise Refusal(NO_START_FOR_CALENDAR)
        data = party_calendar(party, stamp=utc_now(), link=await self.bot.party_events.link(party))
        await interaction.response.send_message(
            "The party for your calendar: open the file to add it (downloading it again later updates it).",
            file=discord.File(io.BytesIO(data), filename=calendar_filename(party)),
            ephemeral=True,
        )

    @app_commands.command(name="reminders")
    @app_commands.describe(before='When to remind guests before the start, like "24h, 1h", "90m" or "off"')
    async def reminders(
        self, interaction: discord.Interaction[LoungeBot], before: app_commands.Range[str, 1, 100]
    ) -> None:
        """When reminder DMs go out before the start (hosts)."""
        party = await open_party_as_host(interaction)
        minutes = parse_before(before)
        planned = await self.bot.store.reminders.set_minutes_before(party.id, minutes)
        if not minutes:
            reply = "Reminders are off for this party."
        else:
            reply = f"Reminders go out {before_text(minutes)} to guests who are going or maybe."
            if party.starts_at is None:
                reply += " They are planned once the party has a start (`/party edit starts`)."
            elif planned:
                moments = ", ".join(discord_timestamp(r.due_at, "R") for r in planned)
                reply += f" Next: {moments}."
            else:
                reply += " None of them is still ahead of the start."
        await interaction.response.send_message(reply, ephemeral=True)

    @app_commands.command(name="reopen")
    async def reopen(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """Reopen the server's most recently closed party, closed by mistake (hosts)."""
        party = await shown_party(interaction)
        await require_host(interaction, party)
        party = await self.bot.store.parties.reopen(party.guild_id, interaction.user.id)
        await reply_privately(
            interaction,
            f"{inert(party.name)} is open again: RSVPs, pledges and results work as before.",
            embed=party_card(party, await self._night(party)),
        )

    @app_commands.command(name="log")
    async def log(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """The party's audit trail, newest first (hosts)."""
        party = await shown_party(interaction)
        await require_host(interaction, party)
        pages = log_pages(await self.bot.store.audit.entries(party.id))
        view = log_buttons(party.id, 0, len(pages))
        await send_reply(interaction, embed=log_embed(party, pages, 0), view=view, ephemeral=True)

    hosts = app_commands.Group(name="hosts", description="Who hosts the party")

    @hosts.command(name="add")
    @app_commands.describe(member="The member to name a host")
    async def hosts_add(self, interaction: discord.Interaction[LoungeBot], member: discord.Member) -> None:
        """Name a host of the party (hosts)."""
        party = await open_party_as_host(interaction)
        if member.bot:
            raise Refusal(BOT_HOST)
        await self.bot.store.parties.add_host(party.id, member.id, interaction.user.id)
        await reply_privately(interaction, f"{member.mention} is now a host of {inert(party.name)}.")

    @hosts.command(name="remove")
    @app_commands.describe(member="The named host to remove")
    async def hosts_remove(self, interaction: discord.Interaction[LoungeBot], member: discord.Member) -> None:
        """Un-name a host of the party, its creator included (hosts)."""
        party = await open_party_as_host(interaction)
        await self.bot.store.parties.remove_host(party.id, member.id, interaction.user.id)
        await reply_privately(
            interaction, f"{member.mention} is no longer a named host of {inert(party.name)}."
        )

    @hosts.command(name="list")
    async def hosts_list(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """Who hosts the party."""
        party = await shown_party(interaction)
        named = await self.bot.store.parties.named_hosts(party.id)
        await reply_privately(interaction, hosts_text(party, named))

    async def _night(self, party: Party) -> NightSoFar:
        store = self.bot.store
        return NightSoFar(
            await store.rsvps.counts(party.id),
            await store.results.tally(party.id),
            await store.fundraising.counter_figures(party.id),
        )

    @app_commands.command(name="invite")
    @app_commands.describe(channel="Where to post it (default: here)")
    async def invite(
        self, interaction: discord.Interaction[LoungeBot], channel: discord.TextChannel | None = None
    ) -> None:
        """Post the invitation with RSVP buttons (hosts)."""
        party = await open_party_as_host(interaction)
        target = postable_channel(interaction, channel or interaction.channel, "the invitation")
        await interaction.response.defer(ephemeral=True)
        try:
            message = await self.bot.invitations.post(party, target)
        except discord.Forbidden as exc:
            raise Refusal(cannot_post(target.mention, "the invitation")) from exc
        await interaction.followup.send(f"Invitation posted: {message.jump_url}", ephemeral=True)

    @app_commands.command(name="counter")
    @app_commands.describe(channel="Where to post it (default: here)")
    async def counter(
        self, interaction: discord.Interaction[LoungeBot], channel: discord.TextChannel | None = None
    ) -> None:
        """Post the live fundraising counter (hosts)."""
        party = await open_party_as_host(interaction)
        target = postable_channel(interaction, channel or interaction.channel, "the counter")
        await interaction.response.defer(ephemeral=True)
        try:
            message = await self.bot.counters.post(party, target)
        except discord.Forbidden as exc:
            raise Refusal(cannot_post(target.mention, "the counter")) from exc
        await interaction.followup.send(f"Counter posted: {message.jump_url}", ephemeral=True)

    @app_commands.command(name="screen")
    @app_commands.describe(reset="Make a new link; the old one stops working at once")
    async def screen(self, interaction: discord.Interaction[LoungeBot], reset: bool = False) -> None:
        """The link to the party's live screen, for the venue's TV or a stream overlay (hosts)."""
        # Open parties only, like every host command that writes: pages already open on a closed party's
        # link keep showing its final figures.
        party = await open_party_as_host(interaction)
        server = self.bot.screen
        if server is None:
            raise Refusal(SCREEN_OFF)
        screens = self.bot.store.screens
        token = await screens.reset(party.id) if reset else await screens.link(party.id)
        link = server.link(token)
        # Angle brackets: Discord shows the link without fetching a preview of it.
        reply = (
            ("A new link; the old one no longer works.\n" if reset else "")
            + f"The live screen: <{link}>\n"
            + f"For a stream overlay (transparent background): <{link}?overlay=1>\n"
            + "Anyone with the link can watch, so share it only with the screens. "
            + "`/party screen reset:True` makes a new one."
        )
        await send_reply(interaction, reply, ephemeral=True)

    @create.autocomplete("timezone")
    @edit.autocomplete("timezone")
    async def timezone_choices(
        self, interaction: discord.Interaction[LoungeBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in matching_timezones(current)]


class LogPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=LOG_PAGE_TEMPLATE):
    """Shows one page of /party log, read again from storage; works after a restart."""

    def __init__(self, party_id: int, page: int, label: str = "Page") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=log_custom_id(party_id, page)
            )
        )
        self.party_id = party_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> LogPageButton:
        return cls(int(match["party_id"]), int(match["page"]), item.label or "Page")

    async def interaction_check(self, interaction: discord.Interaction[LoungeBot]) -> bool:  # type: ignore[override]
        return admit(interaction, update=True)

    async def callback(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        try:
            party = await interaction.client.store.parties.get(self.party_id)
            if party is None or party.guild_id != interaction.guild_id:
                raise Refusal(LOG_GONE)
            # custom_ids are not secret: the pages are shown to hosts only.
            await require_host(interaction, party)
            pages = log_pages(await interaction.client.store.audit.entries(party.id))
            index = min(self.page, len(pages) - 1)
            view = log_buttons(party.id, index, len(pages))
            await update_message(interaction, embed=log_embed(party, pages, index), view=view)
        except Exception as exc:
            await report_error(interaction, exc)


async def setup(bot: LoungeBot) -> None:
    bot.add_dynamic_items(LogPageButton)
    await bot.add_cog(PartyCog(bot))


async def teardown(bot: LoungeBot) -> None:
    bot.remove_dynamic_items(LogPageButton)
