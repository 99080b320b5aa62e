"""User text never renders: hostile names, notes, nominees and reasons show as typed in every message the
bot sends, public or private, embeds included (issue 10, finding 4)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from conftest import Lounge

from sandbox import Message

LINK = "[Claim your free drink](https://evil.example/x)"
NICKNAME = "**BOLD** [x](https://e.x)"
NOMINEE = "[Nominee](https://evil.example/n)"
REASON = "[Reason](https://evil.example/r) ~~struck~~"
PARTY = "**Party** [p](https://e.x/p)"
VENUE = "[Venue](https://evil.example/v)"
CHARITY = "__Charity__ [c](https://e.x/c)"
CATEGORY = "~~Category~~ [k](https://e.x/k)"

# An opening bracket with no backslash before it, closed and followed by "(": a masked link.
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\(")
FORMATTING = ("**BOLD**", "**Party**", "__Charity__", "~~Category~~", "~~struck~~")


def texts(message: Message) -> Iterator[str]:
    """Everything Discord renders as Markdown in the message, as it is now and as every edit left it."""
    bodies = [{"content": message.content, "embeds": message.embeds}]
    bodies += [edit.payload for edit in message.edits]
    for body in bodies:
        yield body.get("content") or ""
        for embed in body.get("embeds") or []:
            yield embed.get("title") or ""
            yield embed.get("description") or ""
            for field in embed.get("fields") or []:
                yield field.get("name") or ""
                yield field.get("value") or ""


async def test_hostile_user_text_shows_as_typed_in_every_message(lounge: Lounge) -> None:
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    bold = sb.add_member(lounge.guild, "boldy", nick=NICKNAME)
    amy = lounge.guests[0]

    async def ok(who: object, command: str, **options: object) -> None:
        reply = await sb.slash(who, channel, command, **options)
        assert reply.error is None, (command, reply.error)
        assert "went wrong" not in reply.content, (command, reply.content)

    await ok(host, "party create", name=PARTY, venue=VENUE, charity=CHARITY, goal="$1,000",
             announce_channel=lounge.announcements)
    await ok(host, "party counter")
    await ok(host, "party invite")
    await ok(amy, "pledge", amount="30", note=LINK)
    await ok(bold, "pledge", amount="600", note=NICKNAME)
    await ok(amy, "rsvp", status="going", note=LINK)
    await ok(bold, "rsvp", status="maybe")
    await ok(amy, "pledges")
    await ok(amy, "guests")
    await ok(amy, "party show")
    await ok(host, "category add", name=CATEGORY, nominees=f"{NOMINEE}, Plain Name")
    await ok(host, "category list")
    await ok(host, "result announce", category=CATEGORY, winner=NOMINEE)
    await ok(host, "result undo", category=CATEGORY, reason=REASON)
    await ok(host, "result announce", category=CATEGORY, winner=NOMINEE)
    await ok(amy, "losers")
    await sb.wait_until(
        lambda: any("Claim your free drink" in t for m in sb.messages(channel) for t in texts(m)
                    if not m.ephemeral and m.source == "channel"),
        10, "the live counter to show the note",
    )
    await ok(host, "party close")
    await sb.wait_for_message(lounge.announcements, lambda m: "wrap" in str(m.embeds), timeout=10)

    messages = [m for c in (channel, lounge.announcements) for m in sb.messages(c)]
    messages += [m for member in (amy, bold, host) for m in sb.dms(member)]
    seen = [(m.id, text) for m in messages if m.author.id == sb.bot_user_id for text in texts(m)]
    everything = "\n".join(text for _, text in seen)
    # The hostile strings did reach the messages, escaped...
    reached = ("Claim your free drink", "BOLD", "Nominee", "Reason", "Party", "Venue", "Charity", "Category")
    for typed in reached:
        assert typed in everything, typed
    # ...and none renders as a link or as formatting.
    for message_id, text in seen:
        assert not MASKED_LINK.search(text), (message_id, text)
        for mark in FORMATTING:
            assert mark not in text, (message_id, mark, text)
