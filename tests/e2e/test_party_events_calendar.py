"""Before the night: the party in the server's Events list and as a calendar file.

The party crosses the end of daylight saving time in Los Angeles (2030-11-03 02:00 PDT → 01:00 PST):
22:00 to 03:00 on the wall clock is six real hours, and the .ics must say exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from conftest import Lounge, eventually

from sandbox import ADMINISTRATOR, ALL_PERMISSIONS, MANAGE_EVENTS, ScheduledEvent
from sandbox.permissions import CREATE_EVENTS
from storage.clock import reset_travel, travel, utc_now

LA = ZoneInfo("America/Los_Angeles")
START = datetime(2030, 11, 2, 22, 0, tzinfo=LA)
END = datetime(2030, 11, 3, 3, 0, tzinfo=LA)


@pytest.fixture(autouse=True)
def real_time() -> Iterator[None]:
    yield
    reset_travel()


async def _create(lounge: Lounge, **options: object) -> None:
    r = await lounge.sb.slash(
        lounge.host,
        lounge.channel,
        "party create",
        name="Losers Lounge",
        venue="The Bar",
        starts="2030-11-02 22:00",
        ends="03:00",
        timezone="America/Los_Angeles",
        charity="Worldwide Orphans Foundation",
        **options,
    )
    assert r.content.startswith("The party is open"), r.text


async def _event(lounge: Lounge) -> ScheduledEvent:
    """The party's event, once the server has it and the bot has recorded it (what the card links to)."""
    event = await lounge.sb.wait_until(
        lambda: next(iter(lounge.sb.scheduled_events(lounge.guild)), None), 5, "the scheduled event"
    )
    party = await lounge.store.parties.latest_party(lounge.guild.id)
    assert party is not None

    async def recorded() -> bool:
        return await lounge.store.scheduled_events.event_id(party.id) == event.id

    await eventually(recorded, "the bot to record the event")
    return event


async def _calendar(lounge: Lounge) -> icalendar.Calendar:
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "party calendar")
    assert r.ephemeral, "the calendar file is private"
    [attachment] = r.message_record.attachments
    assert attachment.filename.endswith(".ics")
    return icalendar.Calendar.from_ical(attachment.data)


async def test_the_party_is_an_event_and_a_calendar_file_across_a_dst_change(lounge: Lounge) -> None:
    sb = lounge.sb
    await _create(lounge)
    event = await _event(lounge)
    assert (event.name, event.location, event.entity_type, event.privacy_level) == (
        "Losers Lounge",
        "The Bar",
        3,
        2,
    )
    assert (event.start, event.end) == (START.astimezone(UTC), END.astimezone(UTC))
    assert event.end - event.start == timedelta(hours=6)
    link = f"https://discord.com/events/{lounge.guild.id}/{event.id}"

    show = await sb.slash(lounge.guests[1], lounge.channel, "party show")
    fields = {f["name"]: f["value"] for f in show.embeds[0]["fields"]}
    assert fields["Events"] == f"[In the server's Events]({link})"

    r = await sb.slash(lounge.host, lounge.channel, "party invite")
    invitation = sb.messages(lounge.channel)[-1]
    assert any(f["value"] == f"[In the server's Events]({link})" for f in invitation.embeds[0]["fields"]), (
        r.text
    )

    calendar = await _calendar(lounge)
    [vevent] = calendar.events
    assert vevent.start == START and vevent.end == END
    assert vevent.start.tzinfo.key == "America/Los_Angeles"
    assert vevent.end - vevent.start == timedelta(hours=5)  # wall clock, as calendar apps read it...
    assert vevent.end.astimezone(UTC) - vevent.start.astimezone(UTC) == timedelta(hours=6)  # ...and real
    assert [tz.tz_name for tz in calendar.timezones] == ["America/Los_Angeles"]
    assert vevent["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert (vevent.location, vevent.summary, vevent.url) == ("The Bar", "Losers Lounge", link)
    assert "winners donate $1,000 to Worldwide Orphans Foundation" in vevent.description
    assert link in vevent.description
    uid = vevent.uid

    r = await sb.slash(lounge.host, lounge.channel, "party edit", starts="2030-11-02 21:00", venue="The Roof")
    assert r.content.startswith("Party updated"), r.text
    moved = START - timedelta(hours=1)
    await sb.wait_until(lambda: event.start == moved.astimezone(UTC), 5, "the event to move")
    assert (event.location, event.end - event.start, event.status) == ("The Roof", timedelta(hours=6), 1)
    [again] = (await _calendar(lounge)).events
    assert again.uid == uid, "downloading again updates the same calendar entry"
    assert again.start == moved and again.location == "The Roof"

    await sb.slash(lounge.host, lounge.channel, "party close")
    await sb.wait_until(lambda: event.status == 4, 5, "the event to be cancelled: the party never started")
    assert len(sb.scheduled_events(lounge.guild)) == 1


async def test_a_party_that_started_completes_its_event(lounge: Lounge) -> None:
    start = (utc_now() + timedelta(days=2)).astimezone(LA)
    await lounge.sb.slash(
        lounge.host,
        lounge.channel,
        "party create",
        name="Tonight",
        venue="Home",
        starts=f"{start:%Y-%m-%d %H:%M}",
        ends=f"{start + timedelta(hours=4):%H:%M}",
        timezone="America/Los_Angeles",
    )
    event = await _event(lounge)
    travel(timedelta(days=2, minutes=30))
    await lounge.sb.slash(lounge.host, lounge.channel, "party close")
    await lounge.sb.wait_until(lambda: event.status == 3, 5, "the event to be completed")
    assert [body.get("status") for body in event.history[1:]] == [2, 3]


async def test_without_manage_events_the_party_works_and_show_says_how(lounge: Lounge) -> None:
    sb = lounge.sb
    bot = lounge.runner.bot
    assert bot is not None
    no_events = ALL_PERMISSIONS & ~ADMINISTRATOR & ~MANAGE_EVENTS & ~CREATE_EVENTS
    sb.set_role_permissions(sb.bot_role(lounge.guild), no_events)
    await sb.wait_until(
        lambda: not bot.get_guild(lounge.guild.id).me.guild_permissions.manage_events, 5, "the role update"
    )
    await _create(lounge)
    show = await sb.slash(lounge.host, lounge.channel, "party show")
    fields = {f["name"]: f["value"] for f in show.embeds[0]["fields"]}
    assert "Manage Events" in fields["Events"] and "/party edit" in fields["Events"]
    calendar = await _calendar(lounge)
    assert "URL" not in calendar.events[0]
    assert sb.scheduled_events(lounge.guild) == [] and not sb.server_errors

    sb.set_role_permissions(sb.bot_role(lounge.guild), ALL_PERMISSIONS & ~ADMINISTRATOR)
    await sb.wait_until(
        lambda: bot.get_guild(lounge.guild.id).me.guild_permissions.manage_events, 5, "the role update"
    )
    await sb.slash(lounge.host, lounge.channel, "party edit", charity="Oxfam")
    event = await _event(lounge)
    assert "Oxfam" in (event.description or "")


async def test_a_party_without_venue_is_not_listed_and_show_says_what_is_missing(lounge: Lounge) -> None:
    await lounge.sb.slash(lounge.host, lounge.channel, "party create", name="Undecided")
    show = await lounge.sb.slash(lounge.host, lounge.channel, "party show")
    fields = {f["name"]: f["value"] for f in show.embeds[0]["fields"]}
    assert (
        fields["Events"] == "Not listed yet: set `starts`, `ends`, `venue` with /party edit and it will be."
    )
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "party calendar")
    assert r.ephemeral and "no start yet" in r.content
    assert lounge.sb.scheduled_events(lounge.guild) == []
