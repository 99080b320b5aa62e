"""The Previous / Next buttons of /guests and /category list keep working after a restart (issue 10,
finding 6)."""

from __future__ import annotations

from typing import Any

from conftest import Lounge

from sandbox import Attachment, Message


def button(message: Message, label: str) -> dict[str, Any]:
    return next(c for row in message.components for c in row["components"] if c["label"] == label)


def footer(message: Message) -> str:
    return message.embeds[0]["footer"]["text"]


async def test_pages_turn_after_a_restart(lounge: Lounge) -> None:
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    r = await sb.slash(host, channel, "party create", name="Losers Lounge")
    assert r.error is None
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    for n in range(70):
        await lounge.store.rsvps.answer(
            party.id, 10_000 + n, display_name=f"guest {n:03} " + "x" * 60, status="going",
            interaction_id=20_000 + n,
        )
    csv = "category,nominee,member_id\n" + "".join(
        f"Category {c:02} {'y' * 80},Nominee {c}-{k},\n" for c in range(30) for k in range(5)
    )
    r = await sb.slash(host, channel, "category import", file=Attachment("ballot.csv", csv.encode()))
    assert r.error is None and "Imported 30 categories" in r.content, r.content

    guests = await sb.slash(host, channel, "guests")
    ballot = await sb.slash(host, channel, "category list")
    lists = [(guests.message_record.id, "guest 000"), (ballot.message_record.id, "Category 00")]
    for message_id, first in lists:
        message = sb.message(message_id)
        assert footer(message).startswith("Page 1 of ") and first in message.embeds[0]["description"]
        assert button(message, "Previous")["disabled"] is True

    await lounge.runner.restart()

    for message_id, first in lists:
        message = sb.message(message_id)
        total = int(footer(message).rsplit(" ", 1)[1])
        # Someone else's click is refused privately, and turns nothing.
        other = await sb.click(lounge.guests[0], message, button(message, "Next")["custom_id"])
        assert other.ephemeral and "belong to whoever asked" in other.content
        assert footer(sb.message(message_id)) == f"Page 1 of {total}"
        for number in range(2, total + 1):
            turned = await sb.click(host, message_id, button(sb.message(message_id), "Next")["custom_id"])
            assert turned.error is None, turned.error
            assert footer(sb.message(message_id)) == f"Page {number} of {total}"
        assert button(sb.message(message_id), "Next")["disabled"] is True
        back = await sb.click(host, message_id, button(sb.message(message_id), "Previous")["custom_id"])
        assert back.error is None
        assert footer(sb.message(message_id)) == f"Page {total - 1} of {total}"
        assert first not in sb.message(message_id).embeds[0]["description"]
