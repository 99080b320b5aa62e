"""Problems a user can fix get a clear private refusal, change nothing and log no ERROR (issue 10,
finding 5), and out-of-range ids read as "not found"."""

from __future__ import annotations

import logging

import discord
import pytest
from conftest import Lounge

from lounge.client import LoungeBot
from sandbox import InteractionReply
from sandbox.permissions import DEFAULT_EVERYONE, SEND_MESSAGES

FAILURE = "Something went wrong"


def bot_sees_it_locked(bot: LoungeBot, channel_id: int) -> bool:
    """The bot's cache knows the channel and that it may not send there."""
    channel = bot.get_channel(channel_id)
    if not isinstance(channel, discord.TextChannel):
        return False
    return not channel.permissions_for(channel.guild.me).send_messages


def refused(reply: InteractionReply, *words: str) -> None:
    assert reply.error is None, reply.error
    assert reply.ephemeral, reply.content
    assert FAILURE not in reply.content, reply.content
    for word in words:
        assert word in reply.content, (word, reply.content)


async def test_fixable_problems_get_a_private_refusal_and_no_error_logged(
    lounge: Lounge, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    # Discord enforces min/max on its own client; a forged payload does not.
    for capacity in (0, -5, 2**63):
        r = await sb.slash(host, channel, "party create", name="Losers Lounge", capacity=capacity)
        refused(r, "capacity", "10,000")
    assert await lounge.store.parties.open_party(lounge.guild.id) is None
    r = await sb.slash(host, channel, "party create", name="Losers Lounge", goal="$1,000")
    assert r.error is None and FAILURE not in r.content
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    for capacity in (0, -5, 2**63):
        refused(await sb.slash(host, channel, "party edit", capacity=capacity), "capacity")
    amy = lounge.guests[0]
    for plus_ones in (-1, 6, 10**9):
        refused(await sb.slash(amy, channel, "rsvp", status="going", plus_ones=plus_ones), "plus-ones")
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM rsvps") == 0

    # A channel of another server the bot is also in.
    elsewhere = sb.add_guild("Elsewhere")
    foreign = sb.add_channel(elsewhere, "general")
    bot = lounge.runner.bot
    assert bot is not None
    await sb.wait_until(lambda: bot.get_channel(foreign.id), 5, "the bot to see the other server")
    for command in ("party invite", "party counter"):
        reply = await sb.slash(host, channel, command, options={"channel": foreign})
        refused(reply, "channel of this server")
    refused(await sb.slash(host, channel, "party edit", announce_channel=foreign), "channel of this server")
    assert sb.messages(foreign) == []

    # A channel where the bot may not post (its role is no longer Administrator, so overwrites apply).
    sb.set_role_permissions(sb.bot_role(lounge.guild), DEFAULT_EVERYONE)
    locked = sb.add_channel(lounge.guild, "locked")
    sb.set_channel_permissions(locked, sb.bot_role(lounge.guild), deny=SEND_MESSAGES)
    await sb.wait_until(lambda: bot_sees_it_locked(bot, locked.id), 5, "the bot to see the overwrite")
    for command, what in (("party invite", "the invitation"), ("party counter", "the counter")):
        refused(await sb.slash(host, channel, command, options={"channel": locked}), f"can't post {what}")
        refused(await sb.slash(host, locked, command), f"can't post {what}")
    assert sb.messages(locked, ephemeral=False) == []
    assert await lounge.store.party_messages.live(party.id, "invitation") == []

    # Members who left the server since.
    gone = lounge.guests[3]
    await sb.slash(gone, channel, "pledge", amount="10")
    sb.remove_member(lounge.guild, gone)
    refused(await sb.slash(host, channel, "door", member=gone), "isn't in this server")
    refused(await sb.slash(host, channel, "payment record", member=gone, amount="10"), "isn't in this server")
    refused(await sb.slash(host, channel, "payment waive", member=gone), "isn't in this server")
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM payments") == 0

    # Ids past SQLite's 64-bit integer, forged into custom_ids and autocomplete values.
    huge = str(2**70)
    invite = await sb.slash(host, channel, "party invite")
    assert invite.error is None
    invitation = sb.messages(channel, ephemeral=False)[-1]
    own = await sb.slash(amy, channel, "pledge", amount="5")
    assert own.error is None
    # Discord only delivers custom_ids the bot put on the message: forge them there, as a tampering
    # client or an old bot version could have.
    forged = [c for row in invitation.components for c in row["components"]]
    forged[0]["custom_id"] = f"rsvp:{huge}:going"
    forged[1]["custom_id"] = f"pledge:cancel:{huge}"
    refused(await sb.click(amy, invitation, f"rsvp:{huge}:going"), "isn't for this server's open party")
    refused(await sb.click(amy, invitation, f"pledge:cancel:{huge}"), "pledge")
    refused(await sb.slash(host, channel, "category remove", category=huge), "no category")
    refused(await sb.slash(host, channel, "result announce", category=huge, winner=huge), "no category")

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
