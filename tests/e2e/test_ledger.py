"""The night's ledger through the sandbox: the money adds up everywhere, corrections never delete, money
after the close, /party reopen, hosts, the log, and a member changing their own pledge.

Every figure the bot shows is checked against the database counted with this file's own SQL.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from conftest import Lounge

from live.pacer import ChannelPacer
from rules.money import format_cents
from sandbox import Attachment, Message

# The test's own count of the money model: live pledges, winners' dues not waived, extra gifts (what a
# member paid beyond both); received from live payments, the dues' share first.
OWN_SQL = """
WITH m AS (
  SELECT user_id,
    (SELECT coalesce(sum(amount_cents), 0) FROM pledges p WHERE p.party_id = :p AND p.user_id = u.user_id
       AND p.cancelled_at IS NULL AND p.voided_at IS NULL) AS pledged,
    (SELECT coalesce(sum(amount_cents), 0) FROM dues d WHERE d.party_id = :p AND d.user_id = u.user_id
       AND d.status IN ('owed', 'paid')) AS dues,
    (SELECT coalesce(sum(amount_cents), 0) FROM payments y WHERE y.party_id = :p AND y.user_id = u.user_id
       AND y.voided_at IS NULL) AS received
  FROM (SELECT user_id FROM pledges WHERE party_id = :p UNION SELECT user_id FROM dues WHERE party_id = :p
        UNION SELECT user_id FROM payments WHERE party_id = :p) u
)
SELECT sum(pledged + dues + max(received - pledged - dues, 0)) AS raised,
       sum(received) AS received,
       sum(min(received, dues)) AS received_dues
FROM m
"""


async def own_count(lounge: Lounge, party_id: int) -> dict[str, int]:
    row = await lounge.store.database.fetch_one(OWN_SQL, {"p": party_id})
    assert row is not None
    raised, received, dues = row["raised"] or 0, row["received"] or 0, row["received_dues"] or 0
    return {
        "raised": raised, "received": received, "received_dues": dues, "received_pledges": received - dues,
        "outstanding": raised - received,
    }


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields") or []}


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def dollars(cents: int) -> str:
    return f"{cents / 100:.2f}"


@pytest.fixture
async def night(lounge: Lounge) -> Lounge:
    """Two categories, amy and bob win; pledges from amy, carol and dev (anonymous); the counter is up."""
    lounge.sb.rate_limits_enabled = False
    assert lounge.runner.bot is not None
    lounge.runner.bot.pacer = ChannelPacer(limit=1000, window=1.0, fresh_start=True)
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    amy, bob, carol, dev = lounge.guests
    r = await sb.slash(
        host, channel, "party create", name="Losers Lounge", charity="WOF", goal="$2,000",
        announce_channel=lounge.announcements,
    )
    assert r.error is None, r.error
    await sb.slash(host, channel, "category add", name="Drama Series", nominees=f"{amy.mention}, Jon Hamm")
    await sb.slash(host, channel, "category add", name="Comedy Series", nominees=f"{bob.mention}, Louie")
    await sb.slash(host, channel, "party counter")
    await sb.slash(amy, channel, "pledge", amount="250")
    await sb.slash(carol, channel, "pledge", amount="400")
    await sb.slash(dev, channel, "pledge", amount="100", anonymous=True)
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    for entry in await lounge.store.ballot.ballot(party.id):
        winner = str(entry.nominees[0].id)
        r = await sb.slash(host, channel, "result announce", category=str(entry.category.id), winner=winner)
        assert r.error is None, r.error
    lounge.extra["party_id"] = party.id
    return lounge


async def counter_message(lounge: Lounge) -> Message:
    [counter] = await lounge.store.party_messages.live(lounge.extra["party_id"], "counter")  # type: ignore[arg-type]
    return lounge.sb.message(counter.message_id)


async def counter_shows(lounge: Lounge, raised_cents: int) -> dict[str, str]:
    def check() -> bool:
        counters = [m for m in lounge.sb.messages(lounge.channel, ephemeral=False, deleted=False)
                    if m.embeds and m.embeds[0].get("title", "").endswith("the fundraiser")]
        return bool(counters) and fields(counters[-1].embeds[0]).get("Raised") == format_cents(raised_cents)

    await lounge.sb.wait_until(check, 5, f"the counter to show {format_cents(raised_cents)} raised")
    return fields((await counter_message(lounge)).embeds[0])


async def export(lounge: Lounge) -> dict[str, bytes]:
    r = await lounge.sb.slash(lounge.host, lounge.channel, "party export")
    assert r.ephemeral, r.content
    return {a.filename.split("-", 2)[-1]: a.data for a in r.message_record.attachments}


async def test_the_night_adds_up_in_the_counter_the_card_the_wrap_up_and_the_export(night: Lounge) -> None:
    sb, host, channel = night.sb, night.host, night.channel
    amy, bob, carol, dev = night.guests
    party_id: int = night.extra["party_id"]  # type: ignore[assignment]

    # amy's $1,100 pays her $1,000 of dues first, then $100 of her $250 pledge.
    r = await sb.slash(host, channel, "payment record", member=amy, amount="$1,100")
    assert "$1,000 to their winner's dues, $100 to their pledges" in r.content, r.content
    # dev pays $150 against a $100 pledge: the $50 over is an extra gift.
    r = await sb.slash(host, channel, "payment record", member=dev, amount="150")
    assert "$100 to their pledges, $50 as an extra gift" in r.content, r.content
    again = await sb.redeliver(r)
    assert again.error is None
    r = await sb.slash(host, channel, "payment waive", member=bob)
    assert "Waived" in r.content and "$1,000" in r.content

    own = await own_count(night, party_id)
    # pledges 250 + 400 + 100, amy's dues 1,000 (bob's are waived), dev's extra 50.
    assert own == {
        "raised": 180_000, "received": 125_000, "received_dues": 100_000, "received_pledges": 25_000,
        "outstanding": 55_000,
    }
    counter = await counter_shows(night, own["raised"])
    assert counter["Pledged"] == "$800" and counter["Winners' dues"] == "$1,000"
    assert counter["Received"] == "$1,250 (dues $1,000 · pledges $250)"
    assert counter["Outstanding"] == "$550"

    card = fields((await sb.slash(carol, channel, "party show")).embeds[0])["Raised"]
    assert card.startswith(
        "Raised $1,800\nPledges $800 · winners' dues $1,000\n"
        "Received $1,250 (dues $1,000 · pledges $250) · outstanding $550"
    ), card

    files = await export(night)
    totals = {row["figure"]: row["amount_usd"] for row in read_csv(files["totals.csv"])}
    assert totals["raised"] == dollars(own["raised"]) and totals["received"] == dollars(own["received"])
    assert totals["received_dues"] == dollars(own["received_dues"])
    assert totals["outstanding"] == dollars(own["outstanding"])
    money = read_csv(files["money.csv"])
    received = sum(round(float(r["amount_usd"]) * 100) for r in money if r["status"] == "received")
    assert received == own["received"]
    assert ("waiver", "standing") in {(r["kind"], r["status"]) for r in money}

    r = await sb.slash(host, channel, "party close")
    assert "The wrap-up: Posted in" in r.content, r.content
    wrapup = await sb.wait_for_message(
        night.announcements, lambda m: bool(m.embeds) and m.embeds[0]["title"].startswith("That's a wrap")
    )
    description = wrapup.embeds[0]["description"]
    assert "**$1,800** raised for WOF (90% of the $2,000 goal)" in description
    assert "Received $1,250 (dues $1,000 · pledges $250) · outstanding $550" in description
    assert await night.store.database.fetch_value("SELECT count(*) FROM payments") == 2


async def test_voids_leave_every_total_the_wall_and_are_kept_in_the_export_and_the_log(night: Lounge) -> None:
    sb, host, channel = night.sb, night.host, night.channel
    amy, bob, carol, dev = night.guests
    party_id: int = night.extra["party_id"]  # type: ignore[assignment]
    db = night.store.database
    # Raised 750 of pledges + 2,000 of dues = $2,750: every milestone of the $2,000 goal is told once.
    await counter_shows(night, 275_000)
    await sb.wait_for_message(channel, lambda m: "Goal reached" in m.content)
    carol_pledge = await db.fetch_value("SELECT id FROM pledges WHERE user_id = ?", (carol.id,))

    # Autocomplete: newest first, searchable by donor and by amount; nothing for a non-host.
    choices = await sb.autocomplete(host, channel, "void pledge", focused="pledge", pledge="")
    assert [c["name"].split(" · ")[1] for c in choices] == ["$100", "$400", "$250"]
    assert [c["value"] for c in await sb.autocomplete(
        host, channel, "void pledge", focused="pledge", pledge="carol")] == [str(carol_pledge)]
    assert len(await sb.autocomplete(host, channel, "void pledge", focused="pledge", pledge="$400")) == 1
    assert await sb.autocomplete(carol, channel, "void pledge", focused="pledge", pledge="") == []

    # Refusals: a non-host, an unknown id, a typed name, a blank reason: private, nothing changed.
    for who, values, says in (
        (carol, {"pledge": str(carol_pledge), "reason": "mine"}, "Only the party's hosts"),
        (host, {"pledge": "999999", "reason": "typo"}, "no such pledge"),
        (host, {"pledge": "carol", "reason": "typo"}, "Pick one from the list"),
        (host, {"pledge": str(carol_pledge), "reason": "   "}, "Say why"),
    ):
        r = await sb.slash(who, channel, "void pledge", options=values)
        assert r.ephemeral and says in r.content, r.content
    assert await db.fetch_value("SELECT count(*) FROM pledges WHERE voided_at IS NOT NULL") == 0

    r = await sb.slash(host, channel, "void pledge", pledge=str(carol_pledge), reason="a troll @everyone")
    assert r.ephemeral and "Voided" in r.content and "$400" in r.content, r.content
    assert not r.message_record.pinged.any
    await sb.redeliver(r)
    # carol is told privately, once (the redelivery changed nothing), and nothing is said in public.
    await sb.wait_until(lambda: sb.dms(carol), 5, "carol's DM")
    [dm] = sb.dms(carol)
    assert dm.content == (
        "A host of Losers Lounge voided your pledge of $400. Reason: “a troll @\u200beveryone”. "
        "If this looks wrong, ask a host."
    ), dm.content
    assert not dm.pinged.any
    r = await sb.slash(host, channel, "void pledge", pledge=str(carol_pledge), reason="again")
    assert r.ephemeral and "already void" in r.content
    counter = await counter_shows(night, 235_000)
    assert counter["Pledged"] == "$350" and "$400" not in counter["Newest pledges"]
    wall = await sb.slash(dev, channel, "pledges")
    assert "carol" not in wall.embeds[0]["description"] and "$350** pledged" in wall.embeds[0]["description"]

    # Crossing the goal again after a void and a new pledge is not told twice.
    await sb.slash(host, channel, "void pledge", pledge=str(
        await db.fetch_value("SELECT id FROM pledges WHERE user_id = ?", (amy.id,))), reason="double entry")
    r = await sb.slash(host, channel, "payment record", member=bob, amount="$1,000")
    payment = await db.fetch_value("SELECT id FROM payments WHERE user_id = ?", (bob.id,))
    r = await sb.slash(host, channel, "void payment", payment=str(payment), reason="the cheque bounced")
    assert "owed again" in r.content, r.content
    assert await db.fetch_value("SELECT status FROM dues WHERE user_id = ?", (bob.id,)) == "owed"
    r = await sb.slash(host, channel, "void payment", payment=str(payment), reason="again")
    assert r.ephemeral and "already void" in r.content
    await counter_shows(night, 210_000)
    await sb.slash(carol, channel, "pledge", amount="600")
    await counter_shows(night, 270_000)
    bot = night.runner.bot
    assert bot is not None
    await bot.counters.refresher.settle()
    told = [m for m in sb.messages(channel, ephemeral=False) if "Goal reached" in m.content]
    assert len(told) == 1

    # The waiver: made, voided, voided twice; a member who never had one is refused.
    await sb.slash(host, channel, "payment waive", member=amy)
    r = await sb.slash(host, channel, "void waiver", member=amy, reason="she can pay")
    assert "owed again" in r.content or "paid" in r.content, r.content
    r = await sb.slash(host, channel, "void waiver", member=amy)
    assert r.ephemeral and "no waiver to void" in r.content
    await sb.wait_until(lambda: len(sb.dms(amy)) == 2 and sb.dms(bob), 5, "amy's and bob's DMs")
    assert "the payment of $1,000 recorded from you" in sb.dms(bob)[0].content
    assert "the waiver of your winner's dues of $1,000" in sb.dms(amy)[1].content
    public = [m.content for c in (channel, night.announcements) for m in sb.messages(c, ephemeral=False)]
    assert not any("voided" in text for text in public)
    r = await sb.slash(host, channel, "void waiver", member=dev)
    assert r.ephemeral and "no waiver to void" in r.content

    files = await export(night)
    money = read_csv(files["money.csv"])
    voided = {(r["kind"], r["amount_usd"]): r for r in money if r["status"] == "void"}
    assert set(voided) == {("pledge", "400.00"), ("pledge", "250.00"), ("payment", "1000.00"),
                           ("waiver", "1000.00")}
    assert voided[("pledge", "400.00")]["void_reason"] == "a troll @everyone"
    assert voided[("pledge", "400.00")]["voided_by"] == str(host.id)
    log = read_csv(files["log.csv"])
    actions = [row["action"] for row in log]
    assert actions[:2] == ["waiver_void", "waiver"]
    assert actions.count("pledge_void") == 2 and actions.count("payment_void") == 1
    totals = {row["figure"]: row["amount_usd"] for row in read_csv(files["totals.csv"])}
    assert totals["raised"] == dollars((await own_count(night, party_id))["raised"])

    r = await sb.slash(host, channel, "party log")
    assert r.ephemeral
    page = r.embeds[0]["description"]
    assert page.index("voided the waiver") < page.index("voided the payment") < page.index("a troll")
    assert not r.message_record.pinged.any
    r = await sb.slash(carol, channel, "party log")
    assert r.ephemeral and "Only the party's hosts" in r.content


async def test_money_after_the_close_and_a_reopen(night: Lounge) -> None:
    sb, host, channel = night.sb, night.host, night.channel
    amy, bob, carol, _ = night.guests
    await sb.slash(host, channel, "party close")
    # Dues are settled after the night; pledges and RSVPs stay frozen.
    r = await sb.slash(host, channel, "payment record", member=bob, amount="$1,000", note="next morning")
    assert "Their winner's dues of $1,000 are now paid." in r.content, r.content
    # The wrap-up's figures stay true: a short line follows it where it was posted.
    since = await sb.wait_for_message(
        night.announcements, lambda m: m.content.startswith("Since the wrap-up")
    )
    assert since.content == (
        "Since the wrap-up of Losers Lounge: raised $2,750 · received $1,000 (dues $1,000 · pledges $0) · "
        "outstanding $1,750."
    ), since.content
    r = await sb.slash(carol, channel, "pledge", amount="5")
    assert r.ephemeral and "closed" in r.content
    r = await sb.slash(carol, channel, "party reopen")
    assert r.ephemeral and "Only the party's hosts" in r.content

    r = await sb.slash(host, channel, "party reopen")
    assert r.ephemeral and "open again" in r.content, r.content
    r = await sb.slash(host, channel, "party reopen")
    assert r.ephemeral and "already has an open party" in r.content
    r = await sb.slash(carol, channel, "pledge", amount="5")
    assert "recorded" in r.content
    # Once a newer party opens, the old one takes no more money.
    await sb.slash(host, channel, "party close")
    await sb.slash(host, channel, "party create", name="Next year")
    old = night.extra["party_id"]
    r = await sb.slash(host, channel, "payment record", member=amy, amount="10")
    new = await night.store.database.fetch_value("SELECT party_id FROM payments ORDER BY id DESC LIMIT 1")
    assert new != old
    log = await night.store.audit.entries(old)  # type: ignore[arg-type]
    assert [e.action.value for e in log[:4]] == ["close", "reopen", "payment", "close"]


async def test_hosts_are_named_and_removed_the_creator_included(lounge: Lounge) -> None:
    sb, tina, channel = lounge.sb, lounge.host, lounge.channel
    amy, bob, *_ = lounge.guests
    await sb.slash(tina, channel, "party create", name="Losers Lounge")
    r = await sb.slash(amy, channel, "party log")
    assert "Only the party's hosts" in r.content
    r = await sb.slash(amy, channel, "party hosts add", member=bob)
    assert r.ephemeral and "Only the party's hosts" in r.content

    r = await sb.slash(tina, channel, "party hosts add", member=amy)
    assert r.ephemeral and "is now a host" in r.content
    r = await sb.slash(tina, channel, "party hosts add", member=amy)
    assert r.ephemeral and "already a named host" in r.content

    # amy, a named host without Manage Server, removes the creator; tina stays a host through Manage Server.
    r = await sb.slash(amy, channel, "party hosts remove", member=tina)
    assert r.ephemeral and "no longer a named host" in r.content, r.content
    r = await sb.slash(bob, channel, "party hosts list")
    assert f"Named: <@{amy.id}>" in r.content and f"<@{tina.id}>" not in r.content
    assert "Manage Server" in r.content
    r = await sb.slash(tina, channel, "party hosts remove", member=tina)
    assert r.ephemeral and "isn't a named host" in r.content
    r = await sb.slash(tina, channel, "party hosts remove", member=amy)
    assert "no longer a named host" in r.content
    r = await sb.slash(amy, channel, "party log")
    assert "Only the party's hosts" in r.content
    r = await sb.slash(tina, channel, "party log")
    page = r.embeds[0]["description"]
    assert page.count("un-named") == 2 and "named <@" in page
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None and await lounge.store.parties.named_hosts(party.id) == []


async def test_a_member_edits_their_own_unpaid_pledge_and_no_one_else_can(lounge: Lounge) -> None:
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    amy, bob, *_ = lounge.guests
    await sb.slash(host, channel, "party create", name="Losers Lounge", goal="$1,000")
    await sb.slash(amy, channel, "pledge", amount="50", note="first")
    pledge_id = await lounge.store.database.fetch_value("SELECT id FROM pledges")
    r = await sb.slash(amy, channel, "pledges")
    mine = await sb.wait_until(lambda: next((m for m in r.followup_records if m.components), None), 5, "own")
    assert f"pledge:edit:{pledge_id}" in mine.custom_ids

    refused = await sb.click(bob, mine.id, f"pledge:edit:{pledge_id}")
    assert refused.ephemeral and "isn't yours" in refused.content
    form = await sb.click(amy, mine.id, f"pledge:edit:{pledge_id}")
    assert form.modal is not None
    bad = await sb.submit_modal(amy, channel, f"pledge:edit-form:{pledge_id}", {"amount": "-5", "note": "x"})
    assert bad.ephemeral and "positive amount" in bad.content
    assert await lounge.store.database.fetch_value("SELECT amount_cents FROM pledges") == 5_000
    form = await sb.click(amy, mine.id, f"pledge:edit:{pledge_id}")
    form_id = f"pledge:edit-form:{pledge_id}"
    done = await sb.submit_modal(amy, channel, form_id, {"amount": "$75", "note": "more"})
    assert done.ephemeral and "now **$75**" in done.content, done.content
    row = await lounge.store.database.fetch_one("SELECT amount_cents, note FROM pledges")
    assert (row["amount_cents"], row["note"]) == (7_500, "more")

    # Once paid, it stays.
    await sb.slash(host, channel, "payment record", member=amy, amount="75")
    await sb.click(amy, mine.id, f"pledge:edit:{pledge_id}")
    paid = await sb.submit_modal(amy, channel, f"pledge:edit-form:{pledge_id}", {"amount": "1", "note": ""})
    assert paid.ephemeral and "paid" in paid.content
    assert await lounge.store.database.fetch_value("SELECT amount_cents FROM pledges") == 7_500


async def test_links_and_co_nominees_through_to_the_door_and_a_late_nominee(lounge: Lounge) -> None:
    lounge.sb.rate_limits_enabled = False
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    amy, bob, carol, dev = lounge.guests
    await sb.slash(
        host, channel, "party create", name="Emmys", charity="WOF", announce_channel=lounge.announcements
    )
    ballot = (
        "category,nominee,member_id\n"
        "Writing,Tina Fey & Tracey Wigfield,\n"
        f"Writing,Louis C.K. & Pamela Adlon,{amy.id};{bob.id}\n"
        "Drama,Jon Hamm,\nDrama,Bryan Cranston,\n"
    )
    r = await sb.slash(host, channel, "category import", file=Attachment("ballot.csv", ballot.encode()))
    assert r.error is None, r.content
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    writing, drama = await lounge.store.ballot.ballot(party.id)
    louis = next(n for n in writing.nominees if n.name.startswith("Louis"))
    hamm, cranston = drama.nominees

    # Linking: a non-host, an unknown nominee, linking twice are refused; nothing changes.
    link = {"category": str(drama.category.id), "nominee": str(hamm.id), "member": carol}
    r = await sb.slash(carol, channel, "nominee link", options=link)
    assert r.ephemeral and "Only the party's hosts" in r.content
    r = await sb.slash(host, channel, "nominee link", options={**link, "nominee": "Nobody"})
    assert r.ephemeral and "no such nominee" in r.content
    r = await sb.slash(host, channel, "nominee link", options=link)
    assert r.ephemeral and f"Linked <@{carol.id}> to **Jon Hamm**" in r.content, r.content
    r = await sb.slash(host, channel, "nominee link", options=link)
    assert r.ephemeral and "already linked" in r.content

    # Co-nominees win together: both are winners and each owes once.
    def posted(title: str) -> Any:
        return sb.wait_for_message(lounge.announcements, lambda m: title in m.embeds[0]["title"])

    r = await sb.slash(
        host, channel, "result announce", category=str(writing.category.id), winner=str(louis.id)
    )
    assert "**Louis C.K. & Pamela Adlon** win Writing" in r.content, r.content
    post = (await posted("Writing")).embeds[0]
    assert f"<@{amy.id}> and <@{bob.id}> are now winners." in post["description"]
    assert f"<@{amy.id}> and <@{bob.id}> each owe $1,000 to WOF." in post["description"]
    assert "people counted once each" in post["footer"]["text"]
    assert "2 winners" in post["footer"]["text"]

    # A winner who isn't a member reads naturally; linking them afterwards makes the member a winner now.
    r = await sb.slash(
        host, channel, "result announce", category=str(drama.category.id), winner=str(cranston.id)
    )
    post = (await posted("Drama")).embeds[0]
    assert "**Bryan Cranston** wins tonight. Not in the server, so there are no dues to collect." in (
        post["description"]
    )
    r = await sb.slash(
        host, channel, "nominee link", category=str(drama.category.id), nominee=str(cranston.id), member=dev
    )
    assert "is a winner now and owes $1,000" in r.content, r.content
    dues = dict(await lounge.store.database.fetch_all("SELECT user_id, status FROM dues"))
    assert dues == {amy.id: "owed", bob.id: "owed", dev.id: "owed"}

    r = await sb.slash(host, channel, "door", member=bob)
    assert "still owes $1,000" in r.content
    await sb.slash(host, channel, "payment record", member=dev, amount="$1,000")
    r = await sb.slash(host, channel, "door", member=dev)
    assert "dues are paid" in r.content, r.content

    # A nominee added after its category's result is not passed over in it.
    before = await lounge.store.results.tally(party.id)
    r = await sb.slash(host, channel, "nominee add", category=str(drama.category.id), name="Latecomer")
    assert r.error is None
    assert await lounge.store.results.tally(party.id) == before
    board = await lounge.store.results.passed_over(lounge.guild.id, party.id)
    assert "Latecomer" not in {row.name for row in board} and "Jon Hamm" in {row.name for row in board}


async def test_the_log_pages_newest_first_and_its_buttons_work_after_a_restart(lounge: Lounge) -> None:
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    amy = lounge.guests[0]
    await sb.slash(host, channel, "party create", name="Losers Lounge")
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    for n in range(1, 21):
        await lounge.store.ledger.record_payment(
            party.id, amy.id, n * 100, note=f"payment {n}", recorded_by=host.id, interaction_id=10_000 + n
        )
    r = await sb.slash(host, channel, "party log")
    first = r.embeds[0]
    assert first["footer"]["text"] == "Newest first · page 1 of 2"
    assert first["description"].index("$20 received") < first["description"].index("$19 received")
    assert r.message_record.custom_ids == [f"log:{party.id}:0", f"log:{party.id}:1"]

    await lounge.runner.restart()
    turned = await sb.click(host, r.message_record, f"log:{party.id}:1")
    assert turned.error is None
    page = sb.message(r.message_record.id)
    assert page.embeds[0]["footer"]["text"] == "Newest first · page 2 of 2"
    assert "$1 received" in page.embeds[0]["description"]
    refused = await sb.click(amy, r.message_record, f"log:{party.id}:0")
    assert refused.ephemeral and "Only the party's hosts" in refused.content
