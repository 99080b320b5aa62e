"""/party: hosts open and change the night's party; anyone can look at its card."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from lounge.guards import guild_id_of, manages_server, open_party_as_host, shown_party
from rules import Refusal
from rules.money import parse_amount
from rules.schedule import Schedule, plan_schedule
from rules.text import clean_name
from rules.times import matching_timezones
from storage import PartySettings
from ui.party_card import party_card

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
        capacity=capacity,
        host_role_id=host_role.id if host_role is not None else None,
        announce_channel_id=announce_channel.id if announce_channel is not None else None,
    )


def _check_role(role: discord.Role | None) -> None:
    if role is not None and role.is_default():
        raise Refusal("@everyone can't be the host role: everyone would be a host. Pick a role for hosts.")


@app_commands.guild_only()
class PartyCog(commands.GroupCog, group_name="party", group_description="The awards-night party"):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="create")
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
        capacity: app_commands.Range[int, 1, 10_000] | None = None,
        host_role: discord.Role | None = None,
        announce_channel: discord.TextChannel | None = None,
    ) -> None:
        """Open the party for this server (hosts: Manage Server)."""
        guild_id = guild_id_of(interaction)
        if not manages_server(interaction):
            raise Refusal("Only members with Manage Server can open a party; they become its first hosts.")
        _check_role(host_role)
        schedule = plan_schedule(starts=starts, ends=ends, timezone=timezone)
        settings = _settings_from_options(
            name=name, venue=venue, schedule=schedule, charity=charity, winner_donation=winner_donation,
            goal=goal, capacity=capacity, host_role=host_role, announce_channel=announce_channel,
        )
        party = await self.bot.store.parties.create(guild_id, interaction.user.id, settings)
        await interaction.response.send_message(
            f"The party is open. {interaction.user.mention} is hosting.", embed=party_card(party)
        )

    @app_commands.command(name="edit")
    @app_commands.describe(**_SETTING_DESCRIPTIONS)
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
        capacity: app_commands.Range[int, 1, 10_000] | None = None,
        host_role: discord.Role | None = None,
        announce_channel: discord.TextChannel | None = None,
    ) -> None:
        """Change the open party (hosts)."""
        party = await open_party_as_host(interaction)
        _check_role(host_role)
        schedule = None
        if starts is not None or ends is not None or timezone is not None:
            schedule = plan_schedule(
                starts=starts, ends=ends, timezone=timezone,
                current=Schedule(party.starts_at, party.ends_at, party.timezone),
            )
        settings = _settings_from_options(
            name=name, venue=venue, schedule=schedule, charity=charity, winner_donation=winner_donation,
            goal=goal, capacity=capacity, host_role=host_role, announce_channel=announce_channel,
        )
        if settings == PartySettings():
            raise Refusal("Nothing to change: give at least one option, like `venue` or `starts`.")
        party = await self.bot.store.parties.edit(party.id, settings)
        await interaction.response.send_message("Party updated.", embed=party_card(party))

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """The party card: when, where, charity and how the night is going."""
        party = await shown_party(interaction)
        await interaction.response.send_message(embed=party_card(party))

    @create.autocomplete("timezone")
    @edit.autocomplete("timezone")
    async def timezone_choices(
        self, interaction: discord.Interaction[LoungeBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in matching_timezones(current)]


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(PartyCog(bot))

