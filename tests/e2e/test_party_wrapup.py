"""Closing the night: the card's figures, the wrap-up with its chart, frozen RSVPs and pledges, export."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import Lounge

from live.pacer import ChannelPacer
from sandbox import Message

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def night(lounge: Lounge) -> Lounge:
    """amy and bob each win a category; amy pays her dues, bob does not; carol pledges anonymously."""
    lounge.sb.rate_limits_enabled = False
    assert lounge.runner.bot is not None
    lounge.runner.bot.pacer = ChannelPacer(limit=1000, window=1.0, fresh_start=True)
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    amy, bob, carol, dev = lounge.guests
    await sb.slash(
        host,
        channel,
        "party create",
        name="Losers Lounge",
        charity="Worldwide Orphans Foundation",
        goal="$5,000",
        capacity=10,
        announce_channel=lounge.announcements,
    )
    await sb.slash(host, channel, "category add", name="Drama Series", nominees=f"{amy.mention}, Jon Hamm")
    await sb.slash(host, channel, "category add", name="Comedy Series", nominees=f"{bob.mention}, Louie")
    party = await lounge.store.parties.open_party(lounge.guild.id)
    for entry in await lounge.store.ballot.ballot(party.id):
        await sb.slash(
            host,
            channel,
            "result announce",
            category=str(entry.category.id),
            winner=str(entry.nominees[0].id),
        )
    await sb.slash(amy, channel, "rsvp", status="going", plus_ones=1)
    await sb.slash(carol, channel, "rsvp", status="maybe", note='=HYPERLINK("x") @everyone')
    await sb.slash(dev, channel, "pledge", amount="$250", note="=1+1")
    await sb.slash(carol, channel, "pledge", amount="100", anonymous=True)
    r = await sb.slash(host, channel, "payment record", member=amy, amount="$1,000", note="cash")
    assert "dues of $1,000 are now paid" in r.content, r.content
    return lounge


async def test_the_party_card_shows_answers_results_and_money(night: Lounge) -> None:
    r = await night.sb.slash(night.guests[3], night.channel, "party show")
    fields = {f["name"]: f["value"] for f in r.embeds[0]["fields"]}
    assert fields["RSVPs"].startswith("2 going · 1 maybe")
    assert fields["Results"].startswith("2 of 2 categories announced · 2 winners · 2 losers")
    # Raised counts the winners' dues with the pledges: $350 + 2 × $1,000.
    assert fields["Raised"].startswith(
        "Raised $2,350\nPledges $350 · winners' dues $2,000\n"
        "Received $1,000 (dues $1,000 · pledges $0) · outstanding $1,350"
    ), fields["Raised"]
    assert "47% of $5,000" in fields["Raised"]


async def test_close_posts_the_wrap_up_with_its_chart_and_freezes_the_party(night: Lounge) -> None:
    sb, host, channel = night.sb, night.host, night.channel
    amy, bob, _, dev = night.guests
    r = await sb.slash(host, channel, "party close")
    assert r.ephemeral and "The party is closed" in r.content and "The wrap-up: Posted in" in r.content

    wrapup: Message = await sb.wait_for_message(
        night.announcements, lambda m: bool(m.embeds) and m.embeds[0]["title"].startswith("That's a wrap")
    )
    embed = wrapup.embeds[0]
    description = embed["description"]
    assert "**$2,350** raised for Worldwide Orphans Foundation (47% of the $5,000 goal)" in description
    assert "Received $1,000 (dues $1,000 · pledges $0) · outstanding $1,350\n2 donors" in embed["description"]
    assert "2 winners · 2 losers · losers outnumber winners 1 to 1" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert f"🏆 Drama Series: <@{amy.id}>" in fields["Winners"]
    assert fields["Bottles to engrave"] == (
        "🍾 amy · Winner, Drama Series · Losers Lounge · for Worldwide Orphans Foundation"
    )
    assert fields["Dues still owed"] == f"<@{bob.id}>: $1,000"
    [chart] = wrapup.attachments
    assert chart.filename == "money-over-the-night.png" and chart.data.startswith(PNG_SIGNATURE)
    assert embed["image"]["url"] == "attachment://money-over-the-night.png"
    assert not wrapup.pinged.any

    # Frozen: no RSVP, pledge or result changes, and the card says closed.
    r = await sb.slash(dev, channel, "rsvp", status="going")
    assert r.ephemeral and "RSVPs are closed" in r.content
    r = await sb.slash(dev, channel, "pledge", amount="5")
    assert r.ephemeral and "closed" in r.content.lower(), r.content
    r = await sb.slash(host, channel, "party close")
    assert r.ephemeral and "Losers Lounge is closed" in r.content
    r = await sb.slash(dev, channel, "party show")
    assert r.embeds[0]["title"] == "Losers Lounge (closed)"
    assert await night.store.database.fetch_value("SELECT count(*) FROM pledges") == 2


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def test_export_gives_the_host_csv_files_that_read_back(night: Lounge) -> None:
    sb, host = night.sb, night.host
    amy = night.guests[0]
    await sb.slash(host, night.channel, "party close")
    r = await sb.slash(host, night.channel, "party export")
    assert r.ephemeral, r.content
    files = {a.filename.split("-", 2)[-1]: a.data for a in r.message_record.attachments}
    assert set(files) == {
        "guests.csv", "money.csv", "results.csv", "predictions.csv", "totals.csv", "log.csv"
    }

    guests = {row["name"]: row for row in read_csv(files["guests.csv"])}
    assert guests["amy"]["answer"] == "going" and guests["amy"]["plus_ones"] == "1"
    assert guests["amy"]["winner"] == "yes"
    assert guests["carol"]["note"].startswith("'=HYPERLINK")  # a formula in a note never runs

    money = read_csv(files["money.csv"])
    kinds = sorted((row["kind"], row["amount_usd"], row["status"]) for row in money)
    assert kinds == [
        ("payment", "1000.00", "received"),
        ("pledge", "100.00", "standing"),
        ("pledge", "250.00", "standing"),
        ("winner's dues", "1000.00", "owed"),
        ("winner's dues", "1000.00", "paid"),
    ]
    anonymous = next(row for row in money if row["amount_usd"] == "100.00")
    assert anonymous["anonymous"] == "yes"
    assert next(row for row in money if row["amount_usd"] == "250.00")["note"] == "'=1+1"

    results = read_csv(files["results.csv"])
    assert [(row["category"], row["winner"]) for row in results] == [
        ("Drama Series", "amy"),
        ("Comedy Series", "bob"),
    ]
    assert results[0]["winner_member_id"] == str(amy.id)


async def test_a_non_host_cannot_close_or_export(night: Lounge) -> None:
    for command in ("party close", "party export"):
        r = await night.sb.slash(night.guests[3], night.channel, command)
        assert r.ephemeral and "Only the party's hosts" in r.content, (command, r.content)
    party = await night.store.parties.open_party(night.guild.id)
    assert party is not None and party.is_open
