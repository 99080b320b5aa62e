"""Guild scheduled events: the routes discord.py uses, validated and permission-checked as Discord does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord
import pytest
from discord.http import Route

from sandbox import ALL_PERMISSIONS, MANAGE_EVENTS, DiscordSandbox
from sandbox.permissions import ADMINISTRATOR, CREATE_EVENTS
from sandbox.state import utcnow

EVENTS = "/guilds/{guild_id}/scheduled-events"


def _external(**changes: Any) -> dict[str, Any]:
    start = utcnow() + timedelta(days=2)
    body: dict[str, Any] = {
        "name": "Losers Lounge",
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + timedelta(hours=5)).isoformat(),
        "entity_metadata": {"location": "The Bar"},
        "description": "Losers get in free",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


async def _refused(bot: discord.Client, guild_id: int, body: dict[str, Any]) -> discord.HTTPException:
    with pytest.raises(discord.HTTPException) as info:
        await bot.http.request(Route("POST", EVENTS, guild_id=guild_id), json=body)
    return info.value


async def test_discordpy_creates_edits_and_finishes_an_external_event(sb: DiscordSandbox, setup, bot):
    guild = bot.get_guild(setup.guild.id)
    start = discord.utils.utcnow() + timedelta(days=3)
    event = await guild.create_scheduled_event(
        name="Emmys night",
        start_time=start,
        end_time=start + timedelta(hours=4),
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="The Bar",
    )
    assert event.location == "The Bar" and event.status is discord.EventStatus.scheduled
    assert event.start_time == start.replace(microsecond=event.start_time.microsecond)
    fetched = await guild.fetch_scheduled_event(event.id)
    assert fetched.name == "Emmys night"
    moved = await fetched.edit(start_time=start + timedelta(hours=1), end_time=start + timedelta(hours=6))
    assert moved.end_time - moved.start_time == timedelta(hours=5)
    assert [e.id for e in await guild.fetch_scheduled_events()] == [event.id]
    active = await moved.start()
    assert active.status is discord.EventStatus.active
    done = await active.end()
    assert done.status is discord.EventStatus.completed
    with pytest.raises(discord.HTTPException):
        await done.edit(name="again")  # a finished event is final
    [record] = sb.scheduled_events(setup.guild)
    assert record.status == 3 and record.location == "The Bar"


async def test_cancel_only_from_scheduled_and_delete(sb: DiscordSandbox, setup, bot):
    guild = bot.get_guild(setup.guild.id)
    start = discord.utils.utcnow() + timedelta(days=1)
    event = await guild.create_scheduled_event(
        name="x",
        start_time=start,
        end_time=start + timedelta(hours=1),
        location="Here",
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,  # discord.py leaves it out; Discord requires it
    )
    with pytest.raises(discord.HTTPException) as info:
        # scheduled → completed skips active: Discord refuses (discord.py checks it first, so go raw)
        await bot.http.edit_scheduled_event(setup.guild.id, event.id, status=3)
    assert info.value.status == 400
    assert (await event.cancel()).status is discord.EventStatus.cancelled
    await event.delete()
    with pytest.raises(discord.NotFound) as gone:
        await guild.fetch_scheduled_event(event.id)
    assert gone.value.code == 10070


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": ...}, "name"),
        ({"privacy_level": 1}, "privacy_level"),
        ({"privacy_level": ...}, "privacy_level"),
        ({"entity_type": 9}, "entity_type"),
        ({"entity_metadata": ...}, "entity_metadata"),
        ({"entity_metadata": {"location": ""}}, "entity_metadata"),
        ({"entity_metadata": {"location": "x" * 101}}, "entity_metadata"),
        ({"scheduled_end_time": ...}, "scheduled_end_time"),
        ({"scheduled_start_time": (utcnow() - timedelta(minutes=1)).isoformat()}, "scheduled_start_time"),
        ({"scheduled_start_time": "tomorrow"}, "scheduled_start_time"),
        ({"scheduled_end_time": utcnow().isoformat()}, "scheduled_end_time"),
        ({"channel_id": "123"}, "channel_id"),
        ({"description": "x" * 1001}, "description"),
    ],
)
async def test_payloads_are_validated_as_discord_does(sb: DiscordSandbox, setup, bot, changes, field):
    error = await _refused(bot, setup.guild.id, _external(**changes))
    assert (error.status, error.code) == (400, 50035)
    assert field in str(error.text) or field in str(getattr(error, "response", ""))
    assert sb.scheduled_events(setup.guild) == []


async def test_without_manage_events_the_bot_is_refused(sb: DiscordSandbox, setup, bot):
    guild = bot.get_guild(setup.guild.id)
    no_events = ALL_PERMISSIONS & ~ADMINISTRATOR & ~MANAGE_EVENTS & ~CREATE_EVENTS
    sb.set_role_permissions(sb.bot_role(setup.guild), no_events)
    await sb.wait_until(lambda: not guild.me.guild_permissions.manage_events, 5, "the role update")
    error = await _refused(bot, setup.guild.id, _external())
    assert (error.status, error.code) == (403, 50013)
    sb.set_role_permissions(sb.bot_role(setup.guild), MANAGE_EVENTS)
    await sb.wait_until(lambda: guild.me.guild_permissions.manage_events, 5, "the role update")
    await bot.http.request(Route("POST", EVENTS, guild_id=setup.guild.id), json=_external())
    assert len(sb.scheduled_events(setup.guild)) == 1
