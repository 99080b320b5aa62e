"""Reminders before the party, decided once by the bot's one scheduler on the clock seam.

The tests travel the bot's clock (storage.clock) through the 24 hours before a party in a moment, and
restart the bot around due moments: a reminder is decided once, never twice, and none is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from conftest import Lounge, eventually

from sandbox import Member, Message
from storage.clock import reset_travel, travel, utc_now
from storage.reminders import Reminder

DAY, HOUR = timedelta(days=1), timedelta(hours=1)


@pytest.fixture(autouse=True)
def real_time() -> Iterator[None]:
    yield
    reset_travel()


async def _party(lounge: Lounge, starts_in: timedelta = 3 * DAY) -> tuple[int, datetime]:
    start = (utc_now() + starts_in).replace(second=0, microsecond=0)
    r = await lounge.sb.slash(
        lounge.host,
        lounge.channel,
        "party create",
        name="Losers Lounge",
        venue="The Bar",
        starts=f"{start:%Y-%m-%d %H:%M}",
        announce_channel=lounge.announcements,
    )
    assert r.content.startswith("The party is open"), r.text
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None and party.starts_at == start
    return party.id, start


async def _answers(lounge: Lounge) -> None:
    amy, bob, carol, dev = lounge.guests
    await lounge.sb.slash(amy, lounge.channel, "rsvp", status="going")
    await lounge.sb.slash(bob, lounge.channel, "rsvp", status="maybe")
    await lounge.sb.slash(carol, lounge.channel, "rsvp", status="not_going")
    r = await lounge.sb.slash(dev, lounge.channel, "rsvp", status="going", reminders=False)
    assert "No reminder DMs for this party" in r.content, r.content


async def _reminders(lounge: Lounge, party_id: int) -> list[Reminder]:
    return await lounge.store.reminders.reminders(party_id)


def _outcomes(reminders: list[Reminder]) -> list[tuple[int, str | None, int | None]]:
    return [(r.minutes_before, r.outcome, r.recipients) for r in reminders]


async def _decided(lounge: Lounge, party_id: int, count: int) -> list[Reminder]:
    async def enough() -> bool:
        return sum(r.outcome is not None for r in await _reminders(lounge, party_id)) >= count

    await eventually(enough, f"{count} reminders decided")
    return await _reminders(lounge, party_id)


def _reminder_dms(lounge: Lounge, member: Member) -> list[Message]:
    return [m for m in lounge.sb.dms(member) if m.content.startswith("reminder:")]


async def _all_delivered(lounge: Lounge) -> None:
    assert lounge.runner.bot is not None
    await lounge.runner.bot.outbox.settle()


async def test_24h_and_1h_reminders_go_once_to_going_and_maybe_across_restarts(lounge: Lounge) -> None:
    sb = lounge.sb
    amy, bob, carol, dev = lounge.guests
    party_id, start = await _party(lounge)
    await _answers(lounge)
    r = await sb.slash(lounge.host, lounge.channel, "party invite")
    invitation = sb.messages(lounge.channel)[-1]
    planned = await _reminders(lounge, party_id)
    assert [(r.minutes_before, r.due_at, r.outcome) for r in planned] == [
        (1440, start - DAY, None),
        (60, start - HOUR, None),
    ]

    # Just before the 24-hour moment nothing is decided; just after, it is, for amy and bob only.
    travel(start - DAY - utc_now() - timedelta(seconds=30))
    await asyncio.sleep(0.2)  # give a wrong scheduler the chance to send early; the check follows
    assert _outcomes(await _reminders(lounge, party_id)) == [(1440, None, None), (60, None, None)]
    travel(timedelta(minutes=1))
    decided = await _decided(lounge, party_id, 1)
    assert _outcomes(decided) == [(1440, "sent", 2), (60, None, None)]
    await sb.wait_until(lambda: _reminder_dms(lounge, amy) and _reminder_dms(lounge, bob), 5, "the 24 h DMs")
    [dm] = _reminder_dms(lounge, amy)
    stamp = int(start.timestamp())
    assert dm.content == f"reminder: **Losers Lounge** starts <t:{stamp}:R> (<t:{stamp}:f>) at The Bar."
    card = dm.embeds[0]
    assert card["title"] == "Losers Lounge is in 24 hours"
    assert card["description"] == "Losers get in free; winners donate $1,000 to the party's charity."
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert fields["When"] == f"<t:{stamp}:F> (<t:{stamp}:R>)" and fields["Where"] == "The Bar"
    jump = f"https://discord.com/channels/{lounge.guild.id}/{lounge.channel.id}/{invitation.id}"
    assert fields["Links"].startswith(f"[The invitation]({jump})"), r.text
    [row] = dm.components
    assert [(b["label"], b["custom_id"]) for b in row["components"]] == [
        ("Stop reminders", f"reminders:stop:{party_id}")
    ]
    assert not dm.pinged.any

    # A restart just before the 1-hour moment: nothing repeated, and the 1-hour one still goes.
    travel(start - HOUR - utc_now() - timedelta(seconds=20))
    await lounge.runner.restart()
    assert _outcomes(await _reminders(lounge, party_id)) == [(1440, "sent", 2), (60, None, None)]
    travel(timedelta(seconds=40))
    decided = await _decided(lounge, party_id, 2)
    assert _outcomes(decided) == [(1440, "sent", 2), (60, "sent", 2)]

    await sb.wait_until(lambda: len(_reminder_dms(lounge, bob)) == 2, 5, "the 1 h DMs")

    # And a restart after everything went out repeats nothing.
    await lounge.runner.restart()
    travel(timedelta(minutes=5))
    await lounge.sb.slash(lounge.host, lounge.channel, "party show")
    await _all_delivered(lounge)
    assert _outcomes(await _reminders(lounge, party_id)) == [(1440, "sent", 2), (60, "sent", 2)]
    titles = [m.embeds[0]["title"] for m in _reminder_dms(lounge, amy)]
    assert titles == ["Losers Lounge is in 24 hours", "Losers Lounge is in 1 hour"]
    assert len(_reminder_dms(lounge, bob)) == 2
    for member in (carol, dev, lounge.host):
        assert _reminder_dms(lounge, member) == [], member.user.username


async def test_a_reminder_due_while_the_bot_was_down_goes_at_start_if_the_party_has_not_started(
    lounge: Lounge,
) -> None:
    party_id, start = await _party(lounge)
    await _answers(lounge)
    await lounge.runner.stop()
    travel(start - HOUR - utc_now() + timedelta(minutes=10))  # both moments passed while down
    await lounge.runner.start()
    decided = await _decided(lounge, party_id, 2)
    # Only the latest of the missed reminders goes: two at once would say the same thing twice.
    assert _outcomes(decided) == [(1440, "skipped", 0), (60, "sent", 2)]


async def test_a_reminder_due_while_down_is_skipped_once_the_party_has_started(lounge: Lounge) -> None:
    party_id, start = await _party(lounge)
    await _answers(lounge)
    await lounge.runner.stop()
    travel(start - utc_now() + timedelta(minutes=5))
    await lounge.runner.start()
    decided = await _decided(lounge, party_id, 2)
    assert _outcomes(decided) == [(1440, "skipped", 0), (60, "skipped", 0)]


async def test_moving_the_start_replans_and_closing_cancels(lounge: Lounge) -> None:
    party_id, start = await _party(lounge)
    travel(start - DAY - utc_now() + timedelta(minutes=1))
    await _decided(lounge, party_id, 1)
    later = start + 2 * DAY
    r = await lounge.sb.slash(lounge.host, lounge.channel, "party edit", starts=f"{later:%Y-%m-%d %H:%M}")
    assert r.content.startswith("Party updated"), r.text
    reminders = await _reminders(lounge, party_id)
    assert [(r.minutes_before, r.due_at, r.outcome) for r in reminders] == [
        (1440, start - DAY, "sent"),  # history stays
        (1440, later - DAY, None),
        (60, later - HOUR, None),
    ]
    await lounge.sb.slash(lounge.host, lounge.channel, "party close")
    assert [r.outcome for r in await _reminders(lounge, party_id)] == ["sent", "cancelled", "cancelled"]
    travel(3 * DAY)
    await lounge.sb.slash(lounge.host, lounge.channel, "party show")
    assert [r.outcome for r in await _reminders(lounge, party_id)] == ["sent", "cancelled", "cancelled"]


async def test_party_reminders_sets_when_and_refuses_anything_else(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id, start = await _party(lounge)
    before = await _reminders(lounge, party_id)
    for bad in ("soon", "1h, 2h, 3h, 4h", "15d", "0m", "@everyone", "x" * 100, "1.5h"):
        r = await sb.slash(lounge.host, lounge.channel, "party reminders", before=bad)
        assert r.ephemeral and '"24h, 1h"' in r.content and not r.message_record.pinged.any, r.content
    r = await sb.slash(lounge.guests[0], lounge.channel, "party reminders", before="2h")
    assert r.ephemeral and "host" in r.content.lower(), r.content
    assert await _reminders(lounge, party_id) == before
    assert await lounge.store.reminders.minutes_before(party_id) == (1440, 60)

    r = await sb.slash(lounge.host, lounge.channel, "party reminders", before="2h 30m, 90m")
    assert r.ephemeral and "2 hours 30 minutes and 1 hour 30 minutes before the start" in r.content, r.content
    assert [(x.minutes_before, x.due_at) for x in await _reminders(lounge, party_id)] == [
        (150, start - timedelta(minutes=150)),
        (90, start - timedelta(minutes=90)),
    ]

    r = await sb.slash(lounge.host, lounge.channel, "party reminders", before="off")
    assert r.content == "Reminders are off for this party."
    assert await _reminders(lounge, party_id) == []
    await lounge.sb.slash(lounge.guests[0], lounge.channel, "rsvp", status="going")
    travel(start - utc_now() - timedelta(minutes=1))
    await lounge.sb.slash(lounge.host, lounge.channel, "party show")
    assert await _reminders(lounge, party_id) == []


async def test_closed_dms_are_one_grouped_mention_and_stop_reminders_works_after_a_restart(
    lounge: Lounge,
) -> None:
    sb = lounge.sb
    amy, bob, carol, dev = lounge.guests
    party_id, start = await _party(lounge)
    sb.set_dm_open(bob, False)
    sb.set_dm_open(carol, False)
    for member, status in ((amy, "going"), (bob, "maybe"), (carol, "going"), (dev, "not_going")):
        await sb.slash(member, lounge.channel, "rsvp", status=status)
    travel(start - DAY - utc_now() + timedelta(minutes=1))
    await _decided(lounge, party_id, 1)
    await sb.wait_until(lambda: _reminder_dms(lounge, amy), 5, "amy's DM")
    [mention] = await sb.wait_until(
        lambda: [m for m in sb.messages(lounge.announcements) if "reminder:" in m.content], 5, "the mention"
    )
    await _all_delivered(lounge)
    assert [m for m in sb.messages(lounge.announcements) if "reminder:" in m.content] == [mention]
    assert sorted(mention.pinged.users) == sorted([bob.id, carol.id])
    assert not mention.pinged.everyone and not mention.pinged.roles
    assert mention.content.startswith(
        f"<@{bob.id}> reminder: **Losers Lounge**"
    ) or mention.content.startswith(f"<@{carol.id}> reminder: **Losers Lounge**")

    # amy stops reminders from her DM, with a bot that restarted since it sent it.
    [dm] = _reminder_dms(lounge, amy)
    await lounge.runner.restart()
    r = await sb.click(amy, dm, f"reminders:stop:{party_id}")
    assert r.ephemeral and "No more reminders about **Losers Lounge**" in r.content, r.text
    assert not await lounge.store.reminders.wanted(party_id, amy.id)
    travel(DAY - HOUR)
    await _decided(lounge, party_id, 2)
    await _all_delivered(lounge)
    assert _outcomes(await _reminders(lounge, party_id)) == [(1440, "sent", 3), (60, "sent", 2)]
    assert len(_reminder_dms(lounge, amy)) == 1
    mentions = [m for m in sb.messages(lounge.announcements) if "reminder:" in m.content]
    assert len(mentions) == 2 and sorted(mentions[1].pinged.users) == sorted([bob.id, carol.id])


async def test_at_close_each_winner_who_still_owes_is_told_once(lounge: Lounge) -> None:
    sb = lounge.sb
    amy, bob, carol, dev = lounge.guests
    party_id, _start = await _party(lounge)
    await sb.slash(lounge.host, lounge.channel, "party edit", charity="Oxfam", winner_donation="$500")
    for name, winner in (("Drama", amy), ("Comedy", bob), ("Limited", carol)):
        await sb.slash(
            lounge.host, lounge.channel, "category add", name=name, nominees=f"{winner.mention}, Jon"
        )
    for entry in await lounge.store.ballot.ballot(party_id):
        await sb.slash(
            lounge.host,
            lounge.channel,
            "result announce",
            category=str(entry.category.id),
            winner=str(entry.nominees[0].id),
        )
    await sb.slash(lounge.host, lounge.channel, "payment record", member=amy, amount="$500")
    await sb.slash(lounge.host, lounge.channel, "payment record", member=bob, amount="$200")
    sb.set_dm_open(carol, False)

    await sb.slash(lounge.host, lounge.channel, "party close")
    await sb.wait_until(lambda: [m for m in sb.dms(bob) if "still owe" in m.content], 5, "bob's dues DM")
    mention = await sb.wait_until(
        lambda: next((m for m in sb.messages(lounge.announcements) if "still owe" in m.content), None),
        5,
        "carol's mention",
    )
    await _all_delivered(lounge)
    [dm] = [m for m in sb.dms(bob) if "still owe" in m.content]
    assert "you still owe $300 to Oxfam" in dm.content and "/payment record" in dm.content
    assert mention.pinged.users == [carol.id] and "you still owe $500 to Oxfam" in mention.content
    assert [m for m in sb.dms(amy) if "still owe" in m.content] == []
    assert [m for m in sb.dms(dev) if "still owe" in m.content] == []

    await lounge.runner.restart()
    await sb.slash(lounge.host, lounge.channel, "party show")
    await _all_delivered(lounge)
    assert len([m for m in sb.dms(bob) if "still owe" in m.content]) == 1
    assert len([m for m in sb.messages(lounge.announcements) if "still owe" in m.content]) == 1
