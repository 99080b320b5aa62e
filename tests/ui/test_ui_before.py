"""Reminder messages and the calendar file, rendered from plain data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import icalendar

from storage import Party
from ui.calendar import party_calendar
from ui.reminders import dues_reminder_line, reminder_embed, reminder_line

START = datetime(2030, 3, 9, 4, 0, tzinfo=UTC)
PARTY = Party(
    id=7,
    guild_id=42,
    name="Losers *Lounge* @everyone",
    venue="Bar; Back room, upstairs",
    starts_at=START,
    ends_at=START + timedelta(hours=5),
    timezone="Europe/London",
    charity="Oxfam <@123>",
    winner_donation_cents=150_050,
    goal_cents=None,
    capacity=None,
    host_role_id=None,
    announce_channel_id=None,
    created_by=1,
    created_at=START - timedelta(days=30),
    closed_at=None,
)


def test_the_reminder_line_is_inert_and_says_when_and_where() -> None:
    line = reminder_line(PARTY)
    assert line.startswith("reminder: **Losers \\*Lounge\\* @\u200beveryone** starts <t:1899259200:R>")
    assert "<t:1899259200:f>" in line and "at Bar; Back room, upstairs." in line


def test_the_reminder_card_says_what_losers_and_winners_owe_and_links() -> None:
    embed = reminder_embed(PARTY, 60, invitation="https://discord.com/channels/42/1/2", event_link=None)
    card = embed.to_dict()
    assert card["title"] == "Losers \\*Lounge\\* @\u200beveryone is in 1 hour"
    assert card["description"] == "Losers get in free; winners donate $1,500.50 to Oxfam \\<\u200b@123>."
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert fields["When"] == "<t:1899259200:F> (<t:1899259200:R>)"
    assert (
        fields["Links"] == "[The invitation](https://discord.com/channels/42/1/2) (change your answer there)"
    )


def test_the_dues_reminder_says_amount_charity_and_how_to_settle() -> None:
    line = dues_reminder_line(PARTY, 100_000)
    assert "you still owe $1,000 to Oxfam \\<\u200b@123>" in line and "/payment record" in line


def test_the_calendar_escapes_and_folds_and_reads_back() -> None:
    long_name = replace(PARTY, name="A, very; long\\ name " * 5)
    data = party_calendar(long_name, stamp=START, link="https://discord.com/events/42/9")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    [event] = icalendar.Calendar.from_ical(data).events
    assert event.summary == long_name.name
    assert event.location == "Bar; Back room, upstairs"
    assert event.start == START and event.end == START + timedelta(hours=5)
    assert event.uid == "party-7-guild-42@losers-lounge"
    assert event.stamp == START
