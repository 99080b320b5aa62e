"""The real bot against the local Discord: login, command sync, answering, refusing, reconnecting."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from conftest import Lounge

from storage.clock import utc_now

PARTY_COMMANDS = {"create", "edit", "show"}
CREATE_OPTIONS = [
    "name", "venue", "starts", "ends", "timezone", "charity", "winner_donation", "goal", "capacity",
    "host_role", "announce_channel",
]


async def test_bot_logs_in_and_syncs_the_contracted_commands_once(lounge: Lounge) -> None:
    syncs = lounge.sb.command_syncs
    assert len(syncs) == 1
    party = next(c for c in lounge.sb.commands() if c["name"] == "party")
    assert {sub["name"] for sub in party["options"]} >= PARTY_COMMANDS
    create = next(sub for sub in party["options"] if sub["name"] == "create")
    assert [o["name"] for o in create["options"]] == CREATE_OPTIONS


async def test_a_restart_with_unchanged_commands_does_not_sync_again(lounge: Lounge) -> None:
    await lounge.runner.restart()
    assert len(lounge.sb.command_syncs) == 1
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "party show")
    assert "no open party" in r.content.lower()


async def test_host_creates_a_party_and_everyone_sees_its_card(lounge: Lounge) -> None:
    sb = lounge.sb
    r = await sb.slash(
        lounge.host, lounge.channel, "party create",
        name="Losers Lounge", venue="Soho House", starts="2033-09-22 20:00", ends="01:30",
        timezone="America/Los_Angeles", charity="Worldwide Orphans Foundation", goal="$20,000",
    )
    assert r.error is None
    assert not r.ephemeral
    assert r.content.startswith("The party is open.")
    card = r.embeds[0]
    assert card["title"] == "Losers Lounge"
    assert "winners donate $1,000 to Worldwide Orphans Foundation" in card["description"]
    fields = {f["name"]: f["value"] for f in card["fields"]}
    # 20:00 in Los Angeles on 2033-09-22 is 03:00 UTC the next day; 01:30 is the day after the start.
    assert "<t:2011057200:F>" in fields["When"]
    assert "<t:2011077000:t>" in fields["When"]
    assert fields["Goal"] == "$20,000"
    assert not r.message_record.pinged.any

    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None and party.venue == "Soho House"

    shown = await sb.slash(lounge.guests[0], lounge.channel, "party show")
    assert shown.embeds[0]["title"] == "Losers Lounge"


async def test_a_non_host_is_refused_privately_and_nothing_is_stored(lounge: Lounge) -> None:
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "party create", name="My party")
    assert r.ephemeral
    assert "Manage Server" in r.content
    assert await lounge.store.parties.latest_party(lounge.guild.id) is None

    await lounge.sb.slash(lounge.host, lounge.channel, "party create", name="Real party")
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "party edit", venue="My garage")
    assert r.ephemeral and "Only the party's hosts" in r.content
    assert (await lounge.store.parties.open_party(lounge.guild.id)).venue is None


async def test_bad_input_gets_a_clear_private_refusal_and_changes_nothing(lounge: Lounge) -> None:
    sb = lounge.sb
    cases = {
        "starts": ("tomorrow", "YYYY-MM-DD HH:MM"),
        "timezone": ("Mars/Olympus_Mons", "IANA time zone"),
        "goal": ("-5", "positive amount"),
        "winner_donation": ("1e9", "at most two decimals"),
    }
    for option, (value, hint) in cases.items():
        r = await sb.slash(lounge.host, lounge.channel, "party create", name="Party", **{option: value})
        assert r.ephemeral, option
        assert hint in r.content, (option, r.content)
    r = await sb.slash(lounge.host, lounge.channel, "party create", name="Party", ends="01:30")
    assert r.ephemeral and "starts" in r.content
    assert await lounge.store.parties.latest_party(lounge.guild.id) is None


async def test_user_text_never_pings(lounge: Lounge) -> None:
    r = await lounge.sb.slash(
        lounge.host, lounge.channel, "party create",
        name="@everyone party", venue=f"<@{lounge.guests[0].id}>'s place @here",
    )
    assert r.error is None
    # Shown as typed, with a zero-width space after the "@" so that it could not ping even in content.
    assert r.embeds[0]["title"] == "@\u200beveryone party"
    assert not r.message_record.pinged.any


async def test_the_bot_resumes_after_the_gateway_drops_and_keeps_answering(lounge: Lounge) -> None:
    sb = lounge.sb
    await sb.slash(lounge.host, lounge.channel, "party create", name="Before the drop")
    await sb.drop_gateway(resumable=True)
    await sb.wait_until(lambda: sb.gateway_connections.resumes >= 1, 15, "the bot to resume")
    await sb.wait_until_ready()
    r = await sb.slash(lounge.guests[1], lounge.channel, "party show")
    assert r.embeds[0]["title"] == "Before the drop"

    await sb.drop_gateway(resumable=False)
    await sb.wait_until(lambda: sb.gateway_connections.identifies >= 2, 20, "the bot to identify again")
    await sb.wait_until_ready()
    r = await sb.slash(lounge.guests[1], lounge.channel, "party show")
    assert r.embeds[0]["title"] == "Before the drop"


async def test_paced_posts_and_edits_in_one_channel_never_draw_a_429(lounge: Lounge) -> None:
    """Posts and edits share one channel budget on Discord; the pacer keeps them under it together."""
    bot, sb = lounge.runner.bot, lounge.sb
    assert bot is not None
    channel = bot.get_channel(lounge.channel.id)
    first = await bot.pacer.send(channel.id, lambda: channel.send("counter: $0"))
    posts = [bot.pacer.send(channel.id, lambda n=n: channel.send(f"announcement {n}")) for n in range(4)]
    edits = [bot.pacer.edit(channel.id, first.id, lambda n=n: first.edit(content=f"counter: ${n}"))
             for n in range(1, 40)]
    await asyncio.wait_for(asyncio.gather(*posts, *edits), 20)

    assert sb.rate_limited == []
    assert sb.max_writes_in_window(lounge.channel, 5.0) <= 5
    assert sb.message(first.id).content == "counter: $39"  # the newest edit won
    assert len(sb.message(first.id).edits) <= 2  # 39 edits asked for, coalesced


async def test_a_start_in_the_past_is_refused_with_the_date_probably_meant(lounge: Lounge) -> None:
    sb = lounge.sb
    r = await sb.slash(
        lounge.host, lounge.channel, "party create", name="Losers Lounge", starts="2013-09-22 20:00",
        timezone="America/Los_Angeles",
    )
    assert r.ephemeral
    assert "2013-09-22 20:00, has already passed (America/Los_Angeles time). Did you mean " in r.content
    assert await lounge.store.parties.latest_party(lounge.guild.id) is None

    # A party under way (started an hour ago) opens, and its hosts can still correct it.
    started = (utc_now() - timedelta(hours=1)).astimezone(ZoneInfo("America/Los_Angeles"))
    r = await sb.slash(
        lounge.host, lounge.channel, "party create", name="Losers Lounge",
        starts=f"{started:%Y-%m-%d %H:%M}", timezone="America/Los_Angeles",
    )
    assert r.content.startswith("The party is open.")
    earlier = started - timedelta(hours=9)
    r = await sb.slash(lounge.host, lounge.channel, "party edit", starts=f"{earlier:%Y-%m-%d %H:%M}")
    assert r.content == "Party updated."
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party.starts_at == earlier.replace(second=0, microsecond=0)
