"""/category and /nominee through the local Discord: what hosts and guests see, and what is stored."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import Lounge

from sandbox import Attachment, InteractionReply
from storage.ballot import BallotCategory
from storage.clock import to_text, utc_now

EMMYS = Path(__file__).resolve().parents[2] / "demo" / "ballots" / "emmys-65.csv"
HEADER = "category,nominee,member_id\n"
NOT_A_HOST = "Only the party's hosts"


async def open_party(lounge: Lounge, name: str = "Losers Lounge") -> int:
    r = await lounge.sb.slash(lounge.host, lounge.channel, "party create", name=name)
    assert r.error is None and not r.ephemeral, r.content
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    return party.id


async def ballot_of(lounge: Lounge, party_id: int) -> list[BallotCategory]:
    return await lounge.store.ballot.ballot(party_id)


async def shape(lounge: Lounge, party_id: int) -> list[tuple[str, list[str]]]:
    return [(e.category.name, [n.name for n in e.nominees]) for e in await ballot_of(lounge, party_id)]


async def import_file(lounge: Lounge, data: bytes, who: object = None) -> InteractionReply:
    return await lounge.sb.slash(
        who or lounge.host, lounge.channel, "category import", file=Attachment("ballot.csv", data)
    )


def assert_private(r: InteractionReply, *hints: str) -> None:
    assert r.error is None, r.error
    assert r.ephemeral, r.content
    for hint in hints:
        assert hint in r.content, (hint, r.content)


async def test_hosts_add_list_and_remove_categories_and_nominees(lounge: Lounge) -> None:
    sb, host = lounge.sb, lounge.host
    amy, bob = lounge.guests[0], lounge.guests[1]
    party_id = await open_party(lounge)

    r = await sb.slash(
        host, lounge.channel, "category add",
        name="  Outstanding   Drama Series ", nominees=f"Breaking Bad, {amy.mention},, Mad Men,",
    )
    assert_private(r, "Added **Outstanding Drama Series**", "3 nominees", "Breaking Bad, amy, Mad Men")
    r = await sb.slash(host, lounge.channel, "category add", name="Outstanding Comedy Series")
    assert_private(r, "Added **Outstanding Comedy Series**", "/nominee add")
    drama, comedy = await ballot_of(lounge, party_id)
    assert [(n.name, n.member_id) for n in drama.nominees] == [
        ("Breaking Bad", None), ("amy", amy.id), ("Mad Men", None)
    ]

    r = await sb.slash(
        host, lounge.channel, "nominee add", category=str(comedy.category.id), name="Veep", member=bob
    )
    assert_private(r, "Added **Veep**", "**Outstanding Comedy Series**", "1 nominee")
    # A category typed out instead of picked from the list is found by name.
    r = await sb.slash(
        host, lounge.channel, "nominee add", category="outstanding drama series", name="Homeland"
    )
    assert_private(r, "now 4 nominees")
    assert await shape(lounge, party_id) == [
        ("Outstanding Drama Series", ["Breaking Bad", "amy", "Mad Men", "Homeland"]),
        ("Outstanding Comedy Series", ["Veep"]),
    ]
    assert (await ballot_of(lounge, party_id))[1].nominees[0].member_id == bob.id

    # Anyone can read the ballot, in display order, linked members shown as mentions.
    r = await sb.slash(lounge.guests[2], lounge.channel, "category list")
    assert r.error is None and r.ephemeral
    description = r.embeds[0]["description"]
    assert description.index("1. Outstanding Drama") < description.index("2. Outstanding Comedy")
    assert f"• amy (<@{amy.id}>)" in description
    assert "2 categories · 5 nominees · 0 decided" in description
    assert not r.components  # one page: no page buttons

    mad_men = drama.nominees[2]
    r = await sb.slash(
        host, lounge.channel, "nominee remove", category=str(drama.category.id), nominee=str(mad_men.id)
    )
    assert_private(r, "Removed **Mad Men** from **Outstanding Drama Series**")
    r = await sb.slash(host, lounge.channel, "category remove", category=str(drama.category.id))
    assert_private(r, "Removed **Outstanding Drama Series** and its 3 nominees")
    assert await shape(lounge, party_id) == [("Outstanding Comedy Series", ["Veep"])]
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM nominees") == 1

    r = await sb.slash(lounge.guests[2], lounge.channel, "category add", name="Outstanding Variety")
    assert_private(r, NOT_A_HOST)


async def test_bad_additions_are_refused_privately_and_change_nothing(lounge: Lounge) -> None:
    sb, host = lounge.sb, lounge.host
    party_id = await open_party(lounge)
    await sb.slash(host, lounge.channel, "category add", name="Drama", nominees="Mad Men")
    before = await shape(lounge, party_id)
    outsider_guild = sb.add_guild("Elsewhere")
    outsider = sb.add_member(outsider_guild, "zed")

    cases = [
        ({"name": "DRAMA"}, "already a category"),
        ({"name": "x" * 2000}, "too long: 2,000 characters"),
        ({"name": "\u200b \u3164"}, "can't be empty"),
        ({"name": "Comedy", "nominees": "Girls, girls"}, "listed twice"),
        ({"name": "Comedy", "nominees": "<@12345678901234567>"}, "isn't in this server"),
        ({"name": "Comedy", "nominees": f"Girls, <@&{lounge.host_role.id}>"}, "role can't be a nominee"),
    ]
    for options, hint in cases:
        assert_private(await sb.slash(host, lounge.channel, "category add", **options), hint)

    drama_id = str((await ballot_of(lounge, party_id))[0].category.id)
    nominee_cases = [
        ({"category": drama_id, "name": " mad  MEN "}, "already a nominee"),
        ({"category": "Comedy", "name": "Girls"}, "no category “Comedy”"),
        ({"category": drama_id, "name": "Zed", "member": outsider}, "isn't a member of this server"),
    ]
    for options, hint in nominee_cases:
        assert_private(await sb.slash(host, lounge.channel, "nominee add", **options), hint)
    r = await sb.slash(host, lounge.channel, "nominee remove", category=drama_id, nominee="Homeland")
    assert_private(r, "isn't a nominee")
    assert await shape(lounge, party_id) == before


async def test_autocomplete_offers_ids_prefix_matches_first_at_most_25(lounge: Lounge) -> None:
    sb, host = lounge.sb, lounge.host
    party_id = await open_party(lounge)
    names = [f"Category {n:03} melodrama" for n in range(110)]
    names[50] = "Drama Series"
    names[70] = "Outstanding Drama Special"
    rows = "".join(f"{name},Nominee {n},\n" for n, name in enumerate(names))
    rows += "Drama Series,Sofía Vergara,\nDrama Series,Sofia Coppola,\nDrama Series,Ana Sofia,\n"
    assert_private(await import_file(lounge, f"{HEADER}{rows}".encode()), "Imported 110 categories")
    ids = {e.category.name: str(e.category.id) for e in await ballot_of(lounge, party_id)}

    started = time.perf_counter()
    choices = await sb.autocomplete(
        host, lounge.channel, "category remove", focused="category", category="DRAMA"
    )
    assert time.perf_counter() - started < 1.0
    assert len(choices) == 25
    assert [c["name"] for c in choices[:2]] == ["Drama Series", "Outstanding Drama Special"]
    assert choices[0]["value"] == ids["Drama Series"]
    assert [c["name"] for c in choices[2:4]] == ["Category 000 melodrama", "Category 001 melodrama"]

    # Nothing typed yet: the first 25 in display order. Typed text finds the middle of names too.
    choices = await sb.autocomplete(host, lounge.channel, "nominee add", focused="category", category="")
    assert [c["name"] for c in choices] == names[:25]
    choices = await sb.autocomplete(host, lounge.channel, "nominee add", focused="category", category="099")
    assert [c["name"] for c in choices] == ["Category 099 melodrama"]

    # The nominee list is that of the category picked in the same command.
    choices = await sb.autocomplete(
        host, lounge.channel, "nominee remove",
        focused="nominee", category=ids["Drama Series"], nominee="sofia",
    )
    assert [c["name"] for c in choices] == ["Sofía Vergara", "Sofia Coppola", "Ana Sofia"]
    r = await sb.slash(
        host, lounge.channel, "nominee remove", category=ids["Drama Series"], nominee=choices[0]["value"]
    )
    assert_private(r, "Removed **Sofía Vergara**")
    choices = await sb.autocomplete(
        host, lounge.channel, "nominee remove", focused="nominee", category="no such category", nominee=""
    )
    assert choices == []


async def test_the_emmys_ballot_imports_in_one_go_and_lists_in_pages(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    r = await import_file(lounge, EMMYS.read_bytes())
    assert_private(r, "Imported 26 categories and 148 nominees.")
    assert r.latency is not None and r.latency < 3.0
    ballot = await ballot_of(lounge, party_id)
    assert len(ballot) == 26
    assert ballot[17].category.name == "Outstanding Directing for a Comedy Series"

    guest = lounge.guests[0]
    r = await sb.slash(guest, lounge.channel, "category list")
    assert r.error is None and r.ephemeral
    pages = [r.embeds[0]]
    total = int(pages[0]["footer"]["text"].rsplit(" ", 1)[1])
    assert total > 1
    message_id = r.message_record.id
    next_button = r.components[0]["components"][1]
    assert next_button["label"] == "Next"
    # Someone else can't turn this member's pages.
    other = await sb.click(lounge.guests[1], message_id, next_button["custom_id"])
    assert other.ephemeral and "belong to whoever asked" in other.content
    for number in range(2, total + 1):
        # The buttons carry the page they lead to: click the Next the message shows now.
        next_id = sb.message(message_id).components[0]["components"][1]["custom_id"]
        turned = await sb.click(guest, message_id, next_id)
        assert turned.error is None
        page = turned.embeds[0]
        assert page["footer"]["text"] == f"Page {number} of {total}"
        pages.append(page)
    text = "\n".join(page["description"] for page in pages)
    for number, entry in enumerate(ballot, 1):
        assert f"**{number}. {entry.category.name}**" in text
    assert "Sofía Vergara" in text
    for page in pages:
        assert len(page["description"]) <= 4096
        assert len(page["title"]) + len(page["description"]) + len(page["footer"]["text"]) <= 6000
    assert sb.unknown_routes == [] and sb.server_errors == []


async def test_each_bad_import_names_its_line_and_stores_nothing(lounge: Lounge) -> None:
    party_id = await open_party(lounge)
    await lounge.sb.slash(lounge.host, lounge.channel, "category add", name="Drama", nominees="Mad Men")
    before = await shape(lounge, party_id)
    good = "Comedy,Girls,\nComedy,Veep,\n"
    many = "".join(f"Category {n},Nominee {n},\n" for n in range(5001))
    big = "Comedy,Nominee " + "x" * 83 + ",\n"
    cases = [
        (f"category,nominee,votes\n{good}".encode(), "Line 1:", "unknown column"),
        (f"{HEADER}{good},Homeland,\n".encode(), "Line 4:", "category name can't be empty"),
        (f"{HEADER}{good}Comedy,,\n".encode(), "Line 4:", "nominee name can't be empty"),
        (f"{HEADER}{good}comedy, VEEP ,\n".encode(), "Line 4:", "on line 3"),
        (f"{HEADER}{good}Drama,mad men,\n".encode(), "Line 4:", "already a nominee in “Drama” on the ballot"),
        (f"{HEADER}{good}Comedy,{'x' * 2000},\n".encode(), "Line 4:", "too long"),
        (f"{HEADER}{good}".encode() + b"Comedy,Caf\xe9,\n", "Line 4:", "UTF-8"),
        (f"{HEADER}{many}".encode(), "Line 5,002:", "more than 5,000"),
        (f"{HEADER}{big * 11000}".encode(), "Line 10,487:", "1 MiB"),
        (f"{HEADER}{good}Comedy,Louie,amy\n".encode(), "Line 4:", "isn't a Discord member id"),
        (f"{HEADER}{good}Comedy,Louie,{lounge.guests[0].id}\nComedy,Glee,123456789012345678\n".encode(),
         "Line 5:", "isn't a member of this server"),
    ]
    for data, line, hint in cases:
        r = await import_file(lounge, data)
        assert_private(r, line, hint, "Nothing was imported.")
        assert r.content.startswith(line), r.content
    assert await shape(lounge, party_id) == before


async def test_a_linked_member_in_a_file_is_kept(lounge: Lounge) -> None:
    party_id = await open_party(lounge)
    amy = lounge.guests[0]
    data = f"{HEADER}Drama,Amy Adams,{amy.id}\nDrama,Homeland,\nDrama,Mad Men,<@{amy.id}>\n".encode()
    assert_private(await import_file(lounge, data), "Imported 1 category and 3 nominees.")
    nominees = (await ballot_of(lounge, party_id))[0].nominees
    assert [n.member_id for n in nominees] == [amy.id, None, amy.id]
    # A second file adds to the category it already has.
    data = f"{HEADER}Comedy,Girls,\nDrama,Breaking Bad,\n".encode()
    r = await import_file(lounge, data)
    assert_private(r, "Imported 1 category and 2 nominees.", "1 category already on the ballot was kept")
    assert await shape(lounge, party_id) == [
        ("Drama", ["Amy Adams", "Homeland", "Mad Men", "Breaking Bad"]),
        ("Comedy", ["Girls"]),
    ]


async def test_a_non_host_is_refused_every_host_command_and_nothing_changes(lounge: Lounge) -> None:
    sb, guest = lounge.sb, lounge.guests[0]
    party_id = await open_party(lounge)
    await sb.slash(lounge.host, lounge.channel, "category add", name="Drama", nominees="Mad Men, Homeland")
    drama = (await ballot_of(lounge, party_id))[0]
    before = await shape(lounge, party_id)
    category = str(drama.category.id)
    attempts = [
        ("category add", {"name": "Comedy", "nominees": "Girls"}),
        ("category remove", {"category": category}),
        ("category import", {"file": Attachment("ballot.csv", f"{HEADER}Comedy,Girls,\n".encode())}),
        ("nominee add", {"category": category, "name": "Breaking Bad"}),
        ("nominee remove", {"category": category, "nominee": str(drama.nominees[0].id)}),
    ]
    for command, options in attempts:
        assert_private(await sb.slash(guest, lounge.channel, command, **options), NOT_A_HOST)
    assert await shape(lounge, party_id) == before

    # The party's host role makes a member a host.
    role_holder = sb.add_member(lounge.guild, "rita", roles=[lounge.host_role])
    await sb.slash(lounge.host, lounge.channel, "party edit", host_role=lounge.host_role)
    r = await sb.slash(role_holder, lounge.channel, "category add", name="Comedy")
    assert_private(r, "Added **Comedy**")


async def test_user_text_never_pings(lounge: Lounge) -> None:
    sb, host = lounge.sb, lounge.host
    party_id = await open_party(lounge)
    amy = lounge.guests[0]
    r = await sb.slash(
        host, lounge.channel, "category add", name="@everyone's *favourite*", nominees=f"@here, <@ {amy.id}>"
    )
    assert r.error is None
    assert "@\u200beveryone's \\*favourite\\*" in r.content
    assert not r.message_record.pinged.any
    category = str((await ballot_of(lounge, party_id))[0].category.id)
    r = await sb.slash(host, lounge.channel, "nominee add", category=category, name=f"<@{amy.id}> @everyone")
    assert r.error is None and not r.message_record.pinged.any
    assert (await shape(lounge, party_id))[0][1] == ["@here", f"<@ {amy.id}>", f"<@{amy.id}> @everyone"]
    r = await sb.slash(amy, lounge.channel, "category list")
    assert "@\u200beveryone" in r.embeds[0]["description"]
    assert not r.message_record.pinged.any
    assert all(not m.pinged.any for m in sb.messages(lounge.channel, ephemeral=True))


async def test_a_redelivered_interaction_is_applied_once(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    r = await import_file(lounge, EMMYS.read_bytes())
    assert_private(r, "Imported 26 categories")
    first_import = r.interaction_id
    again = await sb.redeliver(r)
    assert again.error is None
    r = await sb.slash(lounge.host, lounge.channel, "category add", name="Outstanding Losers")
    await sb.redeliver(r)
    ballot = await ballot_of(lounge, party_id)
    assert len(ballot) == 27
    assert sum(len(e.nominees) for e in ballot) == 148
    # Each redelivery's answer was refused by Discord as a second one; the first answers stand.
    for interaction_id in (first_import, r.interaction_id):
        acks = [a for a in sb.acks if a.interaction_id == interaction_id]
        assert [a.accepted for a in acks] == [True, False]
        assert acks[1].error_code == 40060


async def test_results_guard_removals(lounge: Lounge) -> None:
    sb, host = lounge.sb, lounge.host
    party_id = await open_party(lounge)
    await sb.slash(host, lounge.channel, "category add", name="Drama", nominees="Mad Men, Breaking Bad")
    drama = (await ballot_of(lounge, party_id))[0]
    breaking_bad = drama.nominees[1]
    # A result as the results commands record it: the winner of the category, not undone.
    result_id = await lounge.store.database.execute(
        "INSERT INTO results (party_id, category_id, nominee_id, announced_by, announced_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (party_id, drama.category.id, breaking_bad.id, host.id, to_text(utc_now())),
    )
    category = str(drama.category.id)
    r = await sb.slash(host, lounge.channel, "category remove", category=category)
    assert_private(r, "already has a result (Breaking Bad won)", "/result undo")
    r = await sb.slash(
        host, lounge.channel, "nominee remove", category=category, nominee=str(breaking_bad.id)
    )
    assert_private(r, "Breaking Bad won “Drama”")
    r = await sb.slash(lounge.guests[0], lounge.channel, "category list")
    assert "🏆 **Breaking Bad**" in r.embeds[0]["description"]
    assert "1 decided" in r.embeds[0]["description"]
    assert await shape(lounge, party_id) == [("Drama", ["Mad Men", "Breaking Bad"])]

    await lounge.store.database.execute(
        "UPDATE results SET undone_at = ? WHERE id = ?", (to_text(utc_now()), result_id)
    )
    r = await sb.slash(host, lounge.channel, "category remove", category=category)
    assert_private(r, "Removed **Drama**")
    assert await shape(lounge, party_id) == []


async def test_a_closed_party_is_read_only_and_ids_from_it_are_refused(lounge: Lounge) -> None:
    sb, host = lounge.sb, lounge.host
    party_id = await open_party(lounge, "Last year")
    await sb.slash(host, lounge.channel, "category add", name="Drama", nominees="Mad Men")
    old = (await ballot_of(lounge, party_id))[0]
    await lounge.store.parties.close(party_id)

    r = await sb.slash(host, lounge.channel, "category add", name="Comedy")
    assert_private(r, "Last year is closed")
    r = await sb.slash(lounge.guests[0], lounge.channel, "category list")
    assert r.embeds[0]["title"] == "The ballot: Last year (closed)"
    assert "Mad Men" in r.embeds[0]["description"]
    choices = await sb.autocomplete(host, lounge.channel, "category remove", focused="category", category="")
    assert choices == []

    new_party = await open_party(lounge, "This year")
    r = await sb.slash(host, lounge.channel, "category remove", category=str(old.category.id))
    assert_private(r, "no category")
    r = await sb.slash(host, lounge.channel, "nominee add", category=str(old.category.id), name="Veep")
    assert_private(r, "no category")
    assert await shape(lounge, party_id) == [("Drama", ["Mad Men"])]
    assert await shape(lounge, new_party) == []
    r = await sb.slash(lounge.guests[0], lounge.channel, "category list")
    assert r.embeds[0]["title"] == "The ballot: This year"
    assert "No categories yet" in r.embeds[0]["description"]
