"""Results night through the local Discord: announcements, corrections, winners, dues, tallies, the door."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import Lounge

from live.pacer import ChannelPacer
from rules.dues import DuesStatus
from rules.text import name_key
from sandbox import MANAGE_GUILD, Attachment, InteractionReply, Member, Message

EMMYS = Path(__file__).resolve().parents[2] / "demo" / "ballots" / "emmys-65.csv"
NOT_A_HOST = "Only the party's hosts"


@pytest.fixture
async def night(lounge: Lounge) -> Lounge:
    """A party with the Emmys ballot, where amy is nominated twice and bob once (linked members)."""
    # Replaying 26 announcements is about results, not pacing (tested on its own): lift the channel budget.
    lounge.sb.rate_limits_enabled = False
    assert lounge.runner.bot is not None
    lounge.runner.bot.pacer = ChannelPacer(limit=1000, window=1.0)
    sb, host = lounge.sb, lounge.host
    r = await sb.slash(
        host,
        lounge.channel,
        "party create",
        name="Losers Lounge",
        charity="Worldwide Orphans Foundation",
        announce_channel=lounge.announcements,
    )
    assert r.error is None, r.content
    r = await sb.slash(
        host, lounge.channel, "category import", file=Attachment("emmys.csv", EMMYS.read_bytes())
    )
    assert "26 categories" in r.content, r.content
    amy, bob = lounge.guests[0], lounge.guests[1]
    for category, member in (
        ("Outstanding Drama Series", amy),
        ("Outstanding Comedy Series", amy),
        ("Outstanding Drama Series", bob),
    ):
        r = await sb.slash(
            host, lounge.channel, "nominee add", category=category, name=member.user.username, member=member
        )
        assert r.error is None and "Added" in r.content, r.content
    return lounge


async def category_id(lounge: Lounge, name: str) -> str:
    party = await lounge.store.parties.open_party(lounge.guild.id)
    category = await lounge.store.ballot.find_category(party.id, name)
    assert category is not None, name
    return str(category.id)


async def announce(lounge: Lounge, category: str, winner: str, who: Member | None = None) -> InteractionReply:
    """Picks both options the way a host would: from autocomplete, so the values are ids."""
    sb = lounge.sb
    who = who or lounge.host
    categories = await sb.autocomplete(
        who, lounge.channel, "result announce", focused="category", category=category, winner=""
    )
    chosen = next(c for c in categories if c["name"] == category)
    winners = await sb.autocomplete(
        who, lounge.channel, "result announce", focused="winner", category=chosen["value"], winner=winner
    )
    picked = next(c for c in winners if c["name"] == winner)
    return await sb.slash(
        who, lounge.channel, "result announce", category=chosen["value"], winner=picked["value"]
    )


def announcements(lounge: Lounge) -> list[Message]:
    return [m for m in lounge.sb.messages(lounge.announcements, ephemeral=False, deleted=False) if m.embeds]


async def test_a_whole_night_of_26_categories_with_a_wrong_envelope(night: Lounge) -> None:
    lounge, sb = night, night.sb
    amy, bob = lounge.guests[0], lounge.guests[1]
    party = await lounge.store.parties.open_party(lounge.guild.id)
    ballot = await lounge.store.ballot.ballot(party.id)
    assert len(ballot) == 26

    # The wrong envelope: bob is read out for Drama Series, then corrected to amy.
    r = await announce(lounge, "Outstanding Drama Series", "bob")
    assert r.ephemeral and "**bob** wins Outstanding Drama Series" in r.content and "owes $1,000" in r.content
    assert await lounge.store.results.winner_ids(party.id) == {bob.id}
    drama_id = await category_id(lounge, "Outstanding Drama Series")
    r = await sb.slash(
        lounge.host, lounge.channel, "result undo", category=drama_id, reason="Wrong envelope!"
    )
    assert (
        r.ephemeral and "Withdrawn: bob" in r.content and "unpaid dues of $1,000 are cancelled" in r.content
    )
    assert await lounge.store.results.winner_ids(party.id) == set()
    assert await lounge.store.dues.for_member(party.id, bob.id) is None

    winners = {"Outstanding Drama Series": "amy", "Outstanding Comedy Series": "amy"}
    for entry in ballot:
        winner = winners.get(entry.category.name, entry.nominees[0].name)
        r = await announce(lounge, entry.category.name, winner)
        assert r.error is None and f"**{winner}** win" in r.content, r.content

    posted = announcements(lounge)
    titles = [m.embeds[0]["title"] for m in posted]
    assert titles[0] == "Withdrawn: 🏆 Outstanding Drama Series"  # the wrong envelope, marked in place
    assert titles[1] == "Correction: Outstanding Drama Series"
    assert "Reason: Wrong envelope!" in posted[1].embeds[0]["description"]
    assert len(titles) == 2 + 26 and titles[2:] == [f"🏆 {e.category.name}" for e in ballot]
    drama = next(m for m in posted[2:] if m.embeds[0]["title"] == "🏆 Outstanding Drama Series")
    assert "And the winner is… **amy**!" in drama.embeds[0]["description"]
    assert (
        f"<@{amy.id}> is now a winner.\n<@{amy.id}> owes $1,000 to Worldwide Orphans Foundation."
        in drama.embeds[0]["description"]
    )
    assert f"<@{bob.id}>" in drama.embeds[0]["fields"][0]["value"]  # bob passed over, in free
    assert not any(m.pinged.any for m in posted)

    # Statuses and dues: amy won twice but owes once; bob is back to loser.
    assert await lounge.store.results.winner_ids(party.id) == {amy.id}
    dues = await lounge.store.database.fetch_all(
        "SELECT user_id, status FROM dues WHERE status != 'cancelled'"
    )
    assert [tuple(row) for row in dues] == [(amy.id, "owed")]

    # The tally, kept current in the last announcement: 26 winners tonight against everyone passed over.
    footer = posted[-1].embeds[0]["footer"]["text"]
    tally = await lounge.store.results.tally(party.id)
    assert footer == tally.summary
    assert tally.announced == tally.total == 26
    assert tally.losers > 4 * tally.winners
    # amy holds two trophies, and a name that wins twice is one person too.
    distinct_winners = {"amy"} | {
        name_key(e.nominees[0].name) for e in ballot if e.category.name not in winners
    }
    assert footer.startswith(f"26 of 26 categories announced · {len(distinct_winners)} winners")

    # Every category is decided: nothing left to offer for announcing.
    assert (
        await sb.autocomplete(
            lounge.host, lounge.channel, "result announce", focused="category", category="", winner=""
        )
        == []
    )


async def test_two_hosts_announcing_the_same_category_at_once_give_one_result(night: Lounge) -> None:
    lounge, sb = night, night.sb
    cohost = sb.add_member(lounge.guild, "cohost", permissions=MANAGE_GUILD)
    drama = await category_id(lounge, "Outstanding Drama Series")
    party = await lounge.store.parties.open_party(lounge.guild.id)
    nominees = {n.name: str(n.id) for n in await lounge.store.ballot.nominees(int(drama))}
    first, second = await asyncio.gather(
        sb.slash(lounge.host, lounge.channel, "result announce", category=drama, winner=nominees["amy"]),
        sb.slash(cohost, lounge.channel, "result announce", category=drama, winner=nominees["bob"]),
    )
    replies = sorted([first.content, second.content])
    assert sum("was already announced" in text for text in replies) == 1, replies
    assert sum("wins Outstanding Drama Series" in text for text in replies) == 1, replies
    live = await lounge.store.results.live_results(party.id)
    assert len(live) == 1
    assert len(announcements(lounge)) == 1


async def test_a_non_host_is_refused_for_every_results_command(night: Lounge) -> None:
    lounge, sb = night, night.sb
    guest = lounge.guests[2]
    drama = await category_id(lounge, "Outstanding Drama Series")
    nominee = str((await lounge.store.ballot.nominees(int(drama)))[0].id)
    attempts = [
        ("result announce", {"category": drama, "winner": nominee}),
        ("result undo", {"category": drama}),
        ("door", {"member": lounge.guests[0]}),
    ]
    for command, options in attempts:
        r = await sb.slash(guest, lounge.channel, command, **options)
        assert r.ephemeral and NOT_A_HOST in r.content, (command, r.content)
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM results") == 0
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM arrivals") == 0
    assert announcements(lounge) == []


async def test_the_door_admits_losers_free_and_winners_once_their_dues_are_settled(night: Lounge) -> None:
    lounge, sb = night, night.sb
    amy, bob, carol = lounge.guests[0], lounge.guests[1], lounge.guests[2]
    await announce(lounge, "Outstanding Drama Series", "amy")
    party = await lounge.store.parties.open_party(lounge.guild.id)

    r = await sb.slash(lounge.host, lounge.channel, "door", member=bob)
    assert r.ephemeral and "bob is a loser tonight: in for free" in r.content
    r = await sb.slash(lounge.host, lounge.channel, "door", member=amy)
    assert "amy is a winner and still owes $1,000 to Worldwide Orphans Foundation" in r.content
    assert await lounge.store.arrivals.count(party.id) == 1  # amy was not let in

    r = await sb.slash(lounge.host, lounge.channel, "payment waive", member=amy)
    assert r.error is None and "waived" in r.content.lower(), r.content
    assert (await lounge.store.dues.for_member(party.id, amy.id)).status is DuesStatus.WAIVED
    r = await sb.slash(lounge.host, lounge.channel, "door", member=amy)
    assert "amy is a winner and their dues are waived: come on in" in r.content
    r = await sb.slash(lounge.host, lounge.channel, "door", member=amy)
    assert "amy already arrived at <t:" in r.content
    r = await sb.slash(lounge.host, lounge.channel, "door", member=carol)
    assert "in for free" in r.content
    assert await lounge.store.arrivals.count(party.id) == 3


async def test_losers_board_counts_tonight_and_all_time_across_two_parties(night: Lounge) -> None:
    lounge, sb = night, night.sb
    bob = lounge.guests[1]
    await announce(lounge, "Outstanding Drama Series", "amy")  # passes bob over
    r = await sb.slash(lounge.guests[3], lounge.channel, "losers")
    tonight = r.embeds[0]["fields"][0]["value"]
    assert f"<@{bob.id}>: passed over 1 time in 1 category" in tonight

    # Next year's party: bob is passed over again, in a category of the same name and in a new one.
    r = await sb.slash(lounge.host, lounge.channel, "party close")
    assert r.error is None, r.content
    r = await sb.slash(
        lounge.host,
        lounge.channel,
        "party create",
        name="Losers Lounge II",
        announce_channel=lounge.announcements,
    )
    assert r.error is None, r.content
    for category in ("Outstanding Drama Series", "Outstanding Lead Actor"):
        await sb.slash(
            lounge.host, lounge.channel, "category add", name=category, nominees=f"Winner, {bob.mention}"
        )
        await announce(lounge, category, "Winner")

    r = await sb.slash(lounge.guests[3], lounge.channel, "losers")
    tonight, all_time = (f["value"] for f in r.embeds[0]["fields"])
    assert f"🥇 <@{bob.id}>: passed over 2 times in 2 categories" in tonight
    assert f"🥇 <@{bob.id}>: passed over 3 times in 2 categories" in all_time
    assert not r.message_record.pinged.any
