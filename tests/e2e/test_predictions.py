"""The predictions game through the local Discord: ballots, announcements that score, the leaderboard.

Each test is one bot start that plays a whole stretch of the night, since starts are what cost time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Lounge

from live.pacer import ChannelPacer
from sandbox import MANAGE_GUILD, Attachment, InteractionReply, Member, Message
from storage.ballot import BallotCategory

EMMYS = Path(__file__).resolve().parents[2] / "demo" / "ballots" / "emmys-65.csv"


@pytest.fixture
async def night(lounge: Lounge) -> Lounge:
    """The Emmys ballot (26 categories); amy, bob and carol answered the invitation, dev did not."""
    lounge.sb.rate_limits_enabled = False
    assert lounge.runner.bot is not None
    lounge.runner.bot.pacer = ChannelPacer(limit=1000, window=1.0)
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    r = await sb.slash(
        host, channel, "party create", name="Losers Lounge", announce_channel=lounge.announcements
    )
    assert r.error is None, r.content
    r = await sb.slash(host, channel, "category import", file=Attachment("emmys.csv", EMMYS.read_bytes()))
    assert "26 categories" in r.content, r.content
    amy, bob, carol, _dev = lounge.guests
    for member, status in ((amy, "going"), (bob, "going"), (carol, "maybe")):
        r = await sb.slash(member, channel, "rsvp", status=status)
        assert r.error is None, r.content
    return lounge


async def ballot_of(lounge: Lounge) -> list[BallotCategory]:
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    return await lounge.store.ballot.ballot(party.id)


def selects(message: Message) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row["components"] if c["type"] == 3]


def button(message: Message, label: str) -> dict[str, Any]:
    found = [c for row in message.components for c in row["components"] if c.get("label") == label]
    assert found, f"no {label} button on {message.components}"
    return found[0]


async def pick(
    lounge: Lounge, who: Member, message: Message, category: str, nominee: str
) -> InteractionReply:
    """Chooses `nominee` in the menu of `category` on the ballot page `message`, as the member would."""
    menu = next((m for m in selects(message) if m["placeholder"] == category), None)
    assert menu is not None, f"{category} is not on this page: {[m['placeholder'] for m in selects(message)]}"
    value = next(o["value"] for o in menu["options"] if o["label"] == nominee)
    return await lounge.sb.select(who, message, menu["custom_id"], [value])


async def pick_all(
    lounge: Lounge, who: Member, choose: Callable[[BallotCategory], str]
) -> tuple[Message, list[str]]:
    """Opens /predict and picks in every open category page by page; returns the message and page titles."""
    sb = lounge.sb
    r = await sb.slash(who, lounge.channel, "predict")
    assert r.error is None and r.ephemeral, r.text
    message = r.message_record
    assert message is not None
    entries = {e.category.name: e for e in await ballot_of(lounge)}
    seen: list[str] = []
    while True:
        for menu in selects(message):
            entry = entries[menu["placeholder"]]
            reply = await pick(lounge, who, message, entry.category.name, choose(entry))
            assert reply.error is None and reply.type == 7, reply.text
            message = sb.message(message.id)
        seen.extend(m["placeholder"] for m in selects(message))
        nxt = [c for row in message.components for c in row["components"] if c.get("label") == "Next"]
        if not nxt or nxt[0].get("disabled"):
            return message, seen
        reply = await sb.click(who, message, nxt[0]["custom_id"])
        assert reply.error is None and reply.type == 7, reply.text
        message = sb.message(message.id)


async def announce(lounge: Lounge, category: str, winner: str) -> Message:
    entry = next(e for e in await ballot_of(lounge) if e.category.name == category)
    nominee = next(n for n in entry.nominees if n.name == winner)
    before = len(lounge.sb.messages(lounge.announcements, ephemeral=False))
    r = await lounge.sb.slash(
        lounge.host,
        lounge.channel,
        "result announce",
        category=str(entry.category.id),
        winner=str(nominee.id),
    )
    assert r.error is None and "wins" in r.content, r.content
    await lounge.sb.wait_until(
        lambda: len(lounge.sb.messages(lounge.announcements, ephemeral=False)) > before,
        timeout=5,
        what="the announcement",
    )
    return lounge.sb.messages(lounge.announcements, ephemeral=False)[-1]


def predictions_field(message: Message) -> str | None:
    fields = {f["name"]: f["value"] for f in message.embeds[0].get("fields") or []}
    return fields.get("Predictions")


async def rows(lounge: Lounge, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await lounge.store.database.fetch_all(sql, params)]


async def test_a_whole_ballot_picked_changed_announced_undone_and_ranked(night: Lounge) -> None:
    lounge, sb = night, night.sb
    amy, bob, carol, dev = lounge.guests
    ballot = await ballot_of(lounge)
    assert len(ballot) == 26
    drama, comedy = ballot[0], ballot[1]

    # amy picks the first nominee in all 26 categories, page by page (four menus and the buttons a page).
    message, seen = await pick_all(lounge, amy, lambda e: e.nominees[0].name)
    assert seen == [e.category.name for e in ballot]
    assert message.embeds[0]["footer"]["text"] == "Page 7 of 7"
    assert "You've picked 26 of 26 open categories" in message.embeds[0]["description"]
    stored = await rows(
        lounge,
        "SELECT category_id, nominee_id FROM predictions WHERE user_id = ? ORDER BY category_id",
        amy.id,
    )
    assert stored == sorted((e.category.id, e.nominees[0].id) for e in ballot)

    # Back to page 1 and change the Drama pick: the row changes, nothing is added.
    for _ in range(6):
        reply = await sb.click(amy, message, button(message, "Previous")["custom_id"])
        assert reply.type == 7, reply.text
        message = sb.message(message.id)
    assert message.embeds[0]["footer"]["text"] == "Page 1 of 7"
    assert button(message, "Previous").get("disabled")
    reply = await pick(lounge, amy, message, drama.category.name, drama.nominees[1].name)
    assert f"Changed to **{drama.nominees[1].name}** for {drama.category.name}" in reply.text
    message = sb.message(message.id)
    chosen = next(m for m in selects(message) if m["placeholder"] == drama.category.name)
    assert [o["label"] for o in chosen["options"] if o.get("default")] == [drama.nominees[1].name]
    assert await rows(lounge, "SELECT count(*) FROM predictions WHERE user_id = ?", amy.id) == [(26,)]

    # A redelivered pick is applied once: bob's Drama pick, delivered twice, leaves one row and one claim.
    r = await sb.slash(bob, lounge.channel, "predict")
    bob_page = r.message_record
    assert bob_page is not None
    first = await pick(lounge, bob, bob_page, drama.category.name, drama.nominees[0].name)
    bob_page = sb.message(bob_page.id)
    before = await rows(lounge, "SELECT nominee_id, picked_at FROM predictions WHERE user_id = ?", bob.id)
    await sb.redeliver(first)
    assert (
        await rows(lounge, "SELECT nominee_id, picked_at FROM predictions WHERE user_id = ?", bob.id)
        == before
    )
    assert await rows(
        lounge, "SELECT count(*) FROM processed_interactions WHERE interaction_id = ?", first.interaction_id
    ) == [(1,)]
    reply = await pick(lounge, bob, bob_page, comedy.category.name, comedy.nominees[0].name)
    assert reply.type == 7
    # carol picks Drama like amy did, but later: level scores go to whoever completed their ballot first.
    r = await sb.slash(carol, lounge.channel, "predict")
    carol_page = r.message_record
    assert carol_page is not None
    await pick(lounge, carol, carol_page, drama.category.name, drama.nominees[1].name)

    # dev never answered the invitation: no ballot for them.
    r = await sb.slash(dev, lounge.channel, "predict")
    assert r.ephemeral and "Predictions are for the party's guests" in r.content
    assert await rows(lounge, "SELECT count(*) FROM predictions WHERE user_id = ?", dev.id) == [(0,)]

    # The announcement scores and tells the count: amy and carol named drama.nominees[1], bob did not.
    posted = await announce(lounge, drama.category.name, drama.nominees[1].name)
    assert predictions_field(posted) == f"2 of 3 guessed {drama.nominees[1].name}: <@{amy.id}>, <@{carol.id}>"
    assert not posted.pinged.any

    # A late pick on the decided category, from bob's page opened before: refused privately, nothing changed.
    late = await pick(lounge, bob, sb.message(bob_page.id), drama.category.name, drama.nominees[1].name)
    assert late.ephemeral and late.type == 4
    assert (
        f"Too late: {drama.category.name} was already announced ({drama.nominees[1].name} won)"
        in late.content
    )
    assert await rows(lounge, "SELECT nominee_id, picked_at FROM predictions WHERE user_id = ?", bob.id) == [
        *before,
        *await rows(
            lounge,
            "SELECT nominee_id, picked_at FROM predictions WHERE user_id = ? AND category_id = ?",
            bob.id,
            comedy.category.id,
        ),
    ]
    # A fresh /predict no longer offers the decided category.
    r = await sb.slash(bob, lounge.channel, "predict")
    assert r.message_record is not None
    assert drama.category.name not in [m["placeholder"] for m in selects(r.message_record)]
    assert "You've picked 1 of 25 open categories" in r.embeds[0]["description"]

    # The leaderboard: amy and carol both 1 of 1, amy first (her ballot was complete before carol's pick).
    r = await sb.slash(bob, lounge.channel, "predictions")
    assert not r.ephemeral
    board = r.embeds[0]["description"]
    assert "1 category decided so far" in board
    assert board.splitlines()[-3:] == [
        f"🥇 <@{amy.id}>: 1 of 1",
        f"🥈 <@{carol.id}>: 1 of 1",
        f"🥉 <@{bob.id}>: 0 of 1",
    ]
    await sb.wait_until(lambda: bool(r.followup_records), timeout=5, what="the caller's own ballot")
    own = r.followup_records[0]
    assert own.ephemeral and "0 right of 1 decided · 2 picks" in own.embeds[0]["description"]
    assert (
        f"❌ {drama.category.name}: {drama.nominees[0].name} (won: {drama.nominees[1].name})"
        in (own.embeds[0]["description"])
    )

    # Undo un-scores; announcing it again scores again, exactly once.
    r = await sb.slash(lounge.host, lounge.channel, "result undo", category=str(drama.category.id))
    assert r.error is None and "Withdrawn" in r.content, r.content
    r = await sb.slash(bob, lounge.channel, "predictions")
    assert "0 categories decided so far" in r.embeds[0]["description"]
    assert f"🥇 <@{amy.id}>: 0 of 0" in r.embeds[0]["description"]
    # Undecided again, the category takes picks again: bob now agrees with amy.
    r = await sb.slash(bob, lounge.channel, "predict")
    assert r.message_record is not None
    reply = await pick(lounge, bob, r.message_record, drama.category.name, drama.nominees[1].name)
    assert "Changed to" in reply.text
    posted = await announce(lounge, drama.category.name, drama.nominees[1].name)
    assert predictions_field(posted) == (
        f"3 of 3 guessed {drama.nominees[1].name}: <@{amy.id}>, <@{carol.id}>, <@{bob.id}>"
    )
    board = (await sb.slash(carol, lounge.channel, "predictions")).embeds[0]["description"]
    # Level on points: amy completed first, bob's change at the undo came after carol's last pick.
    assert board.splitlines()[-3:] == [
        f"🥇 <@{amy.id}>: 1 of 1",
        f"🥈 <@{carol.id}>: 1 of 1",
        f"🥉 <@{bob.id}>: 1 of 1",
    ]

    # Nobody picked the comedy winner bob chose against: the count says so without names.
    posted = await announce(lounge, comedy.category.name, comedy.nominees[1].name)
    assert predictions_field(posted) == f"0 of 2 guessed {comedy.nominees[1].name}"

    # The export recounts: predictions.csv against the test's own SQL.
    r = await sb.slash(lounge.host, lounge.channel, "party export")
    assert r.message_record is not None
    data = next(a.data for a in r.message_record.attachments if a.filename.endswith("-predictions.csv"))
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    expected = await rows(
        lounge,
        "SELECT count(*), sum(p.nominee_id = r.nominee_id) FROM predictions p "
        "LEFT JOIN results r ON r.category_id = p.category_id AND r.undone_at IS NULL",
    )
    assert (len(table), sum(row["correct"] == "yes" for row in table)) == expected[0]
    decided = await rows(
        lounge,
        "SELECT count(*) FROM predictions p JOIN results r ON r.category_id = p.category_id "
        "AND r.undone_at IS NULL",
    )
    assert sum(row["correct"] == "" for row in table) == len(table) - decided[0][0]

    # The wrap-up toasts the best predictor: recounted here from the picks and the live results.
    best = await rows(
        lounge,
        "SELECT p.user_id, count(*) AS right FROM predictions p "
        "JOIN results r ON r.category_id = p.category_id AND r.undone_at IS NULL "
        "AND r.nominee_id = p.nominee_id "
        "JOIN (SELECT user_id, max(picked_at) AS last FROM predictions GROUP BY user_id) q "
        "ON q.user_id = p.user_id "
        "GROUP BY p.user_id ORDER BY right DESC, max(q.last) LIMIT 1",
    )
    r = await sb.slash(lounge.host, lounge.channel, "party close")
    assert r.error is None, r.content
    wrapup = await sb.wait_for_message(
        lounge.announcements, lambda m: bool(m.embeds) and "That's a wrap" in m.embeds[0]["title"], timeout=5
    )
    assert f"Best predictor: <@{best[0][0]}> with {best[0][1]} of 2 right" in wrapup.embeds[0]["description"]

    # Closed: /predict is refused, and so is a menu opened before the close.
    r = await sb.slash(amy, lounge.channel, "predict")
    assert r.ephemeral and "is closed" in r.content
    before_close = await rows(lounge, "SELECT * FROM predictions ORDER BY user_id, category_id")
    late = await pick(
        lounge, amy, sb.message(message.id), ballot[2].category.name, ballot[2].nominees[1].name
    )
    assert late.ephemeral and "is closed" in late.content
    assert await rows(lounge, "SELECT * FROM predictions ORDER BY user_id, category_id") == before_close


async def test_switches_forged_menus_and_a_restart(night: Lounge) -> None:
    lounge, sb = night, night.sb
    amy, bob, carol, _dev = lounge.guests
    ballot = await ballot_of(lounge)
    r = await sb.slash(amy, lounge.channel, "predict")
    page = r.message_record
    assert page is not None

    # The menus and buttons outlive a restart: the page turns and a pick is saved.
    await lounge.runner.restart()
    reply = await sb.click(amy, page, button(page, "Next")["custom_id"])
    assert reply.error is None and reply.type == 7, reply.text
    page = sb.message(page.id)
    assert page.embeds[0]["footer"]["text"] == "Page 2 of 7"
    entry = ballot[4]
    reply = await pick(lounge, amy, page, entry.category.name, entry.nominees[0].name)
    assert f"Saved: **{entry.nominees[0].name}**" in reply.text
    second = ballot[5]
    reply = await pick(lounge, amy, sb.message(page.id), second.category.name, second.nominees[0].name)
    assert "Saved:" in reply.text

    # A guest can't switch the game; a host turns it off: /predict and open menus are refused.
    r = await sb.slash(bob, lounge.channel, "party edit", predictions=False)
    assert "Only the party's hosts" in r.content
    r = await sb.slash(lounge.host, lounge.channel, "party edit", predictions=False)
    assert r.error is None and "Predictions are off." in r.content, r.content
    r = await sb.slash(amy, lounge.channel, "predict")
    assert r.ephemeral and "Predictions are off for this party" in r.content
    before = await rows(lounge, "SELECT * FROM predictions")
    refused = await pick(lounge, amy, sb.message(page.id), entry.category.name, entry.nominees[1].name)
    assert refused.ephemeral and "Predictions are off" in refused.content
    assert await rows(lounge, "SELECT * FROM predictions") == before
    # With the game off, announcements say nothing of predictions.
    posted = await announce(lounge, second.category.name, second.nominees[0].name)
    assert predictions_field(posted) is None

    # Back on, then locked now: picks are refused, /predict shows the ballot as it stands.
    r = await sb.slash(lounge.host, lounge.channel, "party edit", predictions=True, predictions_lock="now")
    assert "Predictions are locked since" in r.content, r.content
    refused = await pick(lounge, amy, sb.message(page.id), entry.category.name, entry.nominees[1].name)
    assert "Predictions are locked" in refused.content
    r = await sb.slash(amy, lounge.channel, "predict")
    assert r.ephemeral and "Predictions are locked" in r.content and not selects(r.message_record)  # type: ignore[arg-type]
    assert await rows(lounge, "SELECT * FROM predictions") == before
    r = await sb.slash(lounge.host, lounge.channel, "party edit", predictions_lock="tomorrow-ish")
    assert r.ephemeral and "YYYY-MM-DD HH:MM" in r.content
    r = await sb.slash(lounge.host, lounge.channel, "party edit", predictions_lock="2999-01-01 20:00")
    assert "Predictions are on and lock at" in r.content, r.content
    reply = await pick(lounge, amy, sb.message(page.id), entry.category.name, entry.nominees[1].name)
    assert "Changed to" in reply.text

    # A forged custom_id naming another guild's party and category is refused, and so is one that
    # borrows this party's id with the other guild's category.
    other = sb.add_guild("Other Lounge")
    other_channel = sb.add_channel(other, "party")
    other_host = sb.add_member(other, "olga", permissions=MANAGE_GUILD)
    await sb.wait_until(lambda: lounge.runner.bot.get_guild(other.id) is not None, timeout=5, what="guild B")  # type: ignore[union-attr]
    await sb.slash(other_host, other_channel, "party create", name="Other party")
    await sb.slash(other_host, other_channel, "category add", name="Best Secret", nominees="Mallory, Trent")
    other_party = await lounge.store.parties.open_party(other.id)
    assert other_party is not None
    secret = (await lounge.store.ballot.ballot(other_party.id))[0]
    party_id = ballot[0].category.party_id
    real = next(m for m in selects(sb.message(page.id)) if m["placeholder"] == entry.category.name)
    # Values a real menu never sends are refused too: another category's nominee, digits that aren't ASCII,
    # a number past SQLite's integers.
    before = await rows(lounge, "SELECT * FROM predictions ORDER BY user_id, category_id")
    for forged, value, refusal in (
        (
            f"predict:{other_party.id}:{secret.category.id}:0",
            str(secret.nominees[0].id),
            "isn't for this server",
        ),
        (f"predict:{party_id}:{secret.category.id}:0", str(secret.nominees[0].id), "no longer on the ballot"),
        (real["custom_id"], str(secret.nominees[0].id), "no longer on the ballot"),
        (real["custom_id"], "１２", "no longer on the ballot"),
        (real["custom_id"], "9" * 30, "no longer on the ballot"),
    ):
        record, payload = sb.builder.component(
            carol, page, real["custom_id"], [real["options"][0]["value"]], want_select=True
        )
        payload["data"]["custom_id"] = forged
        payload["data"]["values"] = [value]
        for row in payload["message"]["components"]:
            for item in row["components"]:
                if item.get("custom_id") == real["custom_id"]:
                    item["custom_id"] = forged
        reply = await sb._deliver(record, payload, 5.0, True)
        assert reply.ephemeral and refusal in reply.content, (forged, value, reply.text)
    assert await rows(lounge, "SELECT * FROM predictions ORDER BY user_id, category_id") == before
    assert await rows(
        lounge, "SELECT count(*) FROM predictions WHERE category_id = ?", secret.category.id
    ) == [(0,)]
