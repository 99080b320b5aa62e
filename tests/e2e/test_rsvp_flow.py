"""RSVPs end to end: the invitation and its buttons, /rsvp, the waitlist, /guests, bursts and restarts."""

from __future__ import annotations

import asyncio

from conftest import Lounge

from sandbox import Message

GOING, MAYBE, CANT = "going", "maybe", "not_going"


async def open_party(lounge: Lounge, **settings) -> int:
    settings.setdefault("name", "Losers Lounge")
    r = await lounge.sb.slash(lounge.host, lounge.channel, "party create", **settings)
    assert r.error is None and not r.ephemeral, r.content
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    return party.id


async def post_invitation(lounge: Lounge) -> Message:
    r = await lounge.sb.slash(lounge.host, lounge.channel, "party invite")
    assert r.ephemeral and "Invitation posted" in r.content, r.content
    return await lounge.sb.wait_for_message(lounge.channel, lambda m: m.source == "channel" and m.embeds)


def rsvp_field(message: Message) -> str:
    embed = message.embeds[0]
    return next(f["value"] for f in embed["fields"] if f["name"] == "RSVPs")


async def wait_for_counts(lounge: Lounge, invitation: Message, text: str, timeout: float = 10) -> None:
    await lounge.sb.wait_until(
        lambda: text in rsvp_field(lounge.sb.message(invitation.id)), timeout,
        f"the invitation to show {text!r}",
    )


def button(party_id: int, status: str) -> str:
    return f"rsvp:{party_id}:{status}"


async def test_host_posts_the_invitation_and_a_click_records_the_rsvp_privately(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(
        lounge, venue="Soho House", charity="Worldwide Orphans Foundation", capacity=40,
        starts="2033-09-22 20:00", ends="01:30", timezone="America/Los_Angeles",
    )
    invitation = await post_invitation(lounge)
    embed = invitation.embeds[0]
    assert embed["title"] == "You're invited: Losers Lounge"
    assert "Losers get in free; winners donate $1,000 to Worldwide Orphans Foundation" in embed["description"]
    assert "<t:2011057200:F>" in next(f["value"] for f in embed["fields"] if f["name"] == "When")
    assert rsvp_field(invitation) == "0 going · 0 maybe · 0 waitlisted\n40 of 40 places left"
    labels = [(c["label"], c["custom_id"]) for row in invitation.components for c in row["components"]]
    assert labels == [
        ("Going", button(party_id, GOING)), ("Maybe", button(party_id, MAYBE)),
        ("Can't go", button(party_id, CANT)),
    ]
    stored = await lounge.store.party_messages.live(party_id, "invitation")
    assert [(m.channel_id, m.message_id) for m in stored] == [(lounge.channel.id, invitation.id)]

    amy, bob = lounge.guests[:2]
    r = await sb.click(amy, invitation, button(party_id, GOING))
    assert r.error is None and r.ephemeral
    assert "You're going to **Losers Lounge**" in r.content
    r = await sb.click(bob, invitation, button(party_id, MAYBE))
    assert r.ephemeral and "maybe" in r.content
    await wait_for_counts(lounge, invitation, "1 going · 1 maybe · 0 waitlisted\n39 of 40 places left")

    rsvp = await lounge.store.rsvps.get(party_id, amy.id)
    assert (rsvp.status, rsvp.display_name, rsvp.plus_ones) == ("going", "amy", 0)
    assert not sb.message(invitation.id).pinged.any
    assert sb.rate_limited == []


async def test_rsvp_command_sets_plus_ones_and_a_note_like_the_buttons(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    invitation = await post_invitation(lounge)
    amy = lounge.guests[0]
    r = await sb.slash(amy, lounge.channel, "rsvp", status="going", plus_ones=2, note="  bringing   cake ")
    assert r.ephemeral
    assert "with 2 plus-ones" in r.content and "Your note: bringing cake" in r.content
    await wait_for_counts(lounge, invitation, "3 going · 0 maybe")

    # A click keeps the plus-ones and note; /rsvp without them keeps them too; "-" clears the note.
    await sb.click(amy, invitation, button(party_id, MAYBE))
    await sb.slash(amy, lounge.channel, "rsvp", status="going")
    rsvp = await lounge.store.rsvps.get(party_id, amy.id)
    assert (rsvp.status, rsvp.plus_ones, rsvp.note) == ("going", 2, "bringing cake")
    await sb.slash(amy, lounge.channel, "rsvp", status="not going", note="-")
    rsvp = await lounge.store.rsvps.get(party_id, amy.id)
    assert (rsvp.status, rsvp.note) == ("not_going", None)
    await wait_for_counts(lounge, invitation, "0 going · 0 maybe")

    r = await sb.slash(amy, lounge.channel, "rsvp", status="going", note="x" * 201)
    assert r.ephemeral and "too long" in r.content
    assert (await lounge.store.rsvps.get(party_id, amy.id)).status == "not_going"


async def test_the_buttons_keep_working_after_a_restart(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    invitation = await post_invitation(lounge)
    await lounge.runner.restart()
    assert sb.gateway_connections.identifies == 2  # a new bot process state, nothing kept in memory

    r = await sb.click(lounge.guests[0], invitation, button(party_id, GOING))
    assert r.error is None and r.ephemeral and "You're going" in r.content
    await wait_for_counts(lounge, invitation, "1 going")
    assert (await lounge.store.rsvps.get(party_id, lounge.guests[0].id)).status == "going"


async def test_thirty_clicks_in_one_second_are_all_counted_without_a_429(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge, capacity=50)
    invitation = await post_invitation(lounge)
    members = [sb.add_member(lounge.guild, f"fan{n}") for n in range(30)]
    statuses = [GOING, GOING, MAYBE]

    replies = await asyncio.gather(
        *(sb.click(m, invitation, button(party_id, statuses[n % 3])) for n, m in enumerate(members))
    )
    assert all(r.error is None and r.ephemeral for r in replies), [r.error for r in replies]
    assert max(r.latency for r in replies) < 3

    counts = await lounge.store.rsvps.counts(party_id)
    assert (counts.going_heads, counts.maybe) == (20, 10)
    await wait_for_counts(lounge, invitation, "20 going · 10 maybe · 0 waitlisted\n30 of 50 places left")
    await lounge.runner.bot.invitations.settle()
    edits = sb.message(invitation.id).edits
    final = next(f for f in edits[-1].payload["embeds"][0]["fields"] if f["name"] == "RSVPs")
    assert final["value"] == "20 going · 10 maybe · 0 waitlisted\n30 of 50 places left"
    assert len(edits) < 10  # coalesced, not one edit per click
    assert sb.rate_limited == []
    assert sb.max_writes_in_window(lounge.channel, 5.0) <= 5


async def test_past_capacity_members_wait_in_order_and_the_promoted_member_is_told(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge, capacity=3)
    invitation = await post_invitation(lounge)
    amy, bob, carol, dev = lounge.guests

    await sb.slash(amy, lounge.channel, "rsvp", status="going", plus_ones=1)
    await sb.click(bob, invitation, button(party_id, GOING))
    r = await sb.slash(carol, lounge.channel, "rsvp", status="going", plus_ones=2)
    assert r.ephemeral and "full" in r.content and "#1" in r.content
    r = await sb.click(dev, invitation, button(party_id, GOING))
    assert "#2" in r.content
    await wait_for_counts(lounge, invitation, "3 going · 0 maybe · 2 waitlisted\nFull (3 places)")

    # One place frees up: carol's group of three still waits, dev (alone) fits and is promoted.
    r = await sb.click(bob, invitation, button(party_id, CANT))
    assert "Your place is free for the next guest" in r.content
    # Told privately, by DM: the whole channel needn't hear who got in.
    [notice] = await sb.wait_until(lambda: sb.dms(dev), 5, "a DM to dev")
    assert "a place opened up" in notice.content
    assert (await lounge.store.rsvps.get(party_id, dev.id)).confirmed
    assert (await lounge.store.rsvps.get(party_id, carol.id)).waitlist_seq is not None

    # Raising plus-ones past the places left is refused: the guest keeps the place they have.
    r = await sb.slash(dev, lounge.channel, "rsvp", status="going", plus_ones=3)
    assert r.ephemeral and "at most 0 plus-ones" in r.content and "unchanged" in r.content
    assert (await lounge.store.rsvps.get(party_id, dev.id)).plus_ones == 0

    # Once all three places are free, carol's group gets in; her DMs are closed, so she is mentioned
    # where the invitation is.
    sb.set_dm_open(carol, False)
    await sb.slash(amy, lounge.channel, "rsvp", status="maybe")
    await sb.slash(dev, lounge.channel, "rsvp", status="not going")
    notice = await sb.wait_for_message(lounge.channel, lambda m: m.content.startswith(f"<@{carol.id}>"))
    assert "with 2 plus-ones" in notice.content
    assert notice.pinged.users == [carol.id] and not notice.pinged.everyone
    await wait_for_counts(lounge, invitation, "3 going · 1 maybe · 0 waitlisted")
    assert sb.rate_limited == []


async def test_without_an_invitation_the_promoted_member_gets_a_dm_or_else_a_mention(lounge: Lounge) -> None:
    sb = lounge.sb
    await open_party(lounge, capacity=1, name="@everyone party")
    amy, bob, carol, _ = lounge.guests
    await sb.slash(amy, lounge.channel, "rsvp", status="going")
    await sb.slash(bob, lounge.channel, "rsvp", status="going")
    await sb.slash(carol, lounge.channel, "rsvp", status="going")
    sb.set_dm_open(carol, False)

    await sb.slash(amy, lounge.channel, "rsvp", status="not going")
    dm = await sb.wait_until(lambda: sb.dms(bob), 5, "a DM to bob")
    assert "a place opened up at **@\u200beveryone party**" in dm[0].content

    await sb.slash(bob, lounge.channel, "rsvp", status="maybe")
    notice = await sb.wait_for_message(lounge.channel, lambda m: "a place opened up" in m.content)
    assert notice.pinged.users == [carol.id] and not notice.pinged.everyone
    assert sb.dms(carol) == []


async def make_winner(lounge: Lounge, party_id: int, member_id: int) -> None:
    """A live result naming the member (the ballot and results commands are tested on their own)."""
    db = lounge.store.database
    async with db.transaction() as tx:
        category = await tx.execute(
            "INSERT INTO categories (party_id, name, name_key, position) VALUES (?, 'Drama', 'drama', 1)",
            (party_id,),
        )
        nominee = await tx.execute(
            "INSERT INTO nominees (category_id, name, name_key, member_id, position) "
            "VALUES (?, 'Amy', 'amy', ?, 1)",
            (category, member_id),
        )
        await tx.execute(
            "INSERT INTO results (party_id, category_id, nominee_id, announced_by, announced_at) "
            "VALUES (?, ?, ?, ?, '2013-09-23T03:00:00.000000+00:00')",
            (party_id, category, nominee, lounge.host.id),
        )


async def test_guest_list_sections_winners_and_notes_never_ping(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge, capacity=2)
    amy, bob, carol, dev = lounge.guests
    await sb.slash(amy, lounge.channel, "rsvp", status="going", plus_ones=1, note="@everyone come early <@1>")
    await sb.slash(bob, lounge.channel, "rsvp", status="going", note="**bold** claim")
    await sb.slash(carol, lounge.channel, "rsvp", status="maybe")
    await sb.slash(dev, lounge.channel, "rsvp", status="not going")
    await make_winner(lounge, party_id, amy.id)

    r = await sb.slash(dev, lounge.channel, "guests")
    assert r.error is None and not r.ephemeral
    text = r.embeds[0]["description"]
    assert text.startswith("2 of 2 places taken · 0 left\n🏆 marks tonight's winners.")
    going = "**Going · 1 guest, 2 with plus-ones**\n• amy (+1) 🏆 — @\u200beveryone come early \\<\u200b@1>"
    assert going in text
    assert "**Waitlist · 1 waiting**\n#1 bob — \\*\\*bold\\*\\* claim" in text
    assert "**Maybe · 1**\n• carol" in text
    assert "**Not going · 1**\n• dev" in text
    assert not r.message_record.pinged.any
    assert r.components == []


async def test_a_long_guest_list_is_paged_within_discords_limits(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    statuses = [GOING, MAYBE, CANT]
    # 108 answers go straight to the store (a burst of slash commands is tested above); the last two
    # come through /rsvp, one with a 2,000-character name.
    for n in range(108):
        await lounge.store.rsvps.answer(
            party_id, 10_000 + n, display_name=f"{'ü' * 60} guest {n:03}", status=statuses[n % 3],
            interaction_id=20_000 + n, plus_ones=n % 6, note="@everyone " + "n" * 180,
        )
    members = [sb.add_member(lounge.guild, "🎬" * 1990 + " guest 108"), sb.add_member(lounge.guild, "guest")]
    for member in members:
        r = await sb.slash(member, lounge.channel, "rsvp", status="going", plus_ones=5, note="n" * 200)
        assert r.error is None and "You're going" in r.content

    r = await sb.slash(members[0], lounge.channel, "guests")
    assert r.error is None and not r.message_record.pinged.any
    footer = r.embeds[0]["footer"]["text"]
    pages = int(footer.rsplit(" ", 1)[1])
    assert pages >= 5
    seen = [r.embeds[0]]
    next_id = r.components[0]["components"][1]["custom_id"]
    refused = await sb.click(lounge.guests[0], r.message_record, next_id)
    assert refused.ephemeral and "belong to whoever asked" in refused.content
    for _ in range(pages - 1):
        # The buttons carry the page they lead to: click the Next the message shows now.
        next_id = sb.message(r.message_record.id).components[0]["components"][1]["custom_id"]
        turned = await sb.click(members[0], r.message_record, next_id)
        assert turned.error is None
        seen.append(sb.message(r.message_record.id).embeds[0])
    assert seen[-1]["footer"]["text"] == f"Page {pages} of {pages}"
    for embed in seen:
        assert len(embed["description"]) <= 4096
        assert len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"]) <= 6000
    listed = "\n".join(e["description"] for e in seen)
    assert listed.count(" guest ") == 109 and "🎬" * 100 in listed
    assert "**Going · 38 guests, 102 with plus-ones**" in listed and "(continued)" in listed
    stored = await lounge.store.rsvps.get(party_id, members[0].id)
    assert stored.display_name == "🎬" * 100


async def test_a_non_host_cannot_post_an_invitation(lounge: Lounge) -> None:
    party_id = await open_party(lounge)
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "party invite")
    assert r.ephemeral and "Only the party's hosts" in r.content
    assert await lounge.store.party_messages.live(party_id, "invitation") == []
    assert [m for m in lounge.sb.messages(lounge.channel) if m.source == "channel"] == []


async def test_a_redelivered_click_or_rsvp_is_applied_once(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    invitation = await post_invitation(lounge)
    amy = lounge.guests[0]
    first = await sb.click(amy, invitation, button(party_id, GOING))
    await sb.slash(amy, lounge.channel, "rsvp", status="maybe", plus_ones=1)
    again = await sb.redeliver(first)
    assert again.error is None
    assert any(a.interaction_id == first.interaction_id and not a.accepted for a in sb.acks)
    assert (await lounge.store.rsvps.get(party_id, amy.id)).status == "maybe"

    second = await sb.slash(amy, lounge.channel, "rsvp", status="going", plus_ones=3)
    await sb.click(amy, invitation, button(party_id, CANT))
    await sb.redeliver(second)
    rsvp = await lounge.store.rsvps.get(party_id, amy.id)
    assert (rsvp.status, rsvp.plus_ones) == ("not_going", 3)


async def test_closed_parties_and_other_parties_buttons_refuse_privately(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    invitation = await post_invitation(lounge)
    await lounge.store.parties.close(party_id)

    r = await sb.click(lounge.guests[0], invitation, button(party_id, GOING))
    assert r.ephemeral and "RSVPs are closed" in r.content
    r = await sb.slash(lounge.guests[0], lounge.channel, "rsvp", status="going")
    assert r.ephemeral and "RSVPs are closed" in r.content
    assert await lounge.store.rsvps.get(party_id, lounge.guests[0].id) is None

    await open_party(lounge)
    r = await sb.click(lounge.guests[0], invitation, button(party_id, GOING))
    assert r.ephemeral and "RSVPs are closed" in r.content


async def test_a_deleted_invitation_is_retired_and_the_others_keep_updating(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    first = await post_invitation(lounge)
    r = await sb.slash(lounge.host, lounge.channel, "party invite", options={"channel": lounge.announcements})
    second = await sb.wait_for_message(lounge.announcements, lambda m: m.source == "channel")
    assert r.ephemeral
    sb.delete_message(first)

    await sb.click(lounge.guests[0], second, button(party_id, GOING))
    await wait_for_counts(lounge, second, "1 going")
    await lounge.runner.bot.invitations.settle()
    live = await lounge.store.party_messages.live(party_id, "invitation")
    assert [m.message_id for m in live] == [second.id]
    assert first.edits == []


async def test_raising_the_capacity_promotes_the_waitlist_at_once(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge, capacity=1)
    invitation = await post_invitation(lounge)
    amy, bob, carol, _ = lounge.guests
    for member in (amy, bob, carol):
        await sb.click(member, invitation, button(party_id, GOING))
    await wait_for_counts(lounge, invitation, "1 going · 0 maybe · 2 waitlisted")

    r = await sb.slash(lounge.host, lounge.channel, "party edit", capacity=2)
    assert r.error is None, r.content
    [notice] = await sb.wait_until(lambda: sb.dms(bob), 5, "a DM to bob, first in line")
    assert "a place opened up" in notice.content
    assert sb.dms(carol) == []
    assert (await lounge.store.rsvps.get(party_id, bob.id)).confirmed
    assert (await lounge.store.rsvps.get(party_id, carol.id)).waitlist_seq is not None
    await wait_for_counts(lounge, invitation, "2 going · 0 maybe · 1 waitlisted")


async def test_answers_the_old_process_never_showed_are_shown_after_a_restart(lounge: Lounge) -> None:
    sb = lounge.sb
    party_id = await open_party(lounge)
    invitation = await post_invitation(lounge)
    await sb.click(lounge.guests[0], invitation, button(party_id, GOING))
    await wait_for_counts(lounge, invitation, "1 going")
    # Stop refreshing without a final edit, as a crash would, then answer behind its back.
    await lounge.runner.bot.invitations.refresher.close()
    await sb.click(lounge.guests[1], invitation, button(party_id, GOING))
    assert "1 going" in rsvp_field(sb.message(invitation.id))

    await lounge.runner.restart()
    await wait_for_counts(lounge, invitation, "2 going")
