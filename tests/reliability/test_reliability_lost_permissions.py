"""A channel where the bot lost a permission: what it decided to post there waits, the hosts are told once
and privately what is missing where, /party show lists it, and everything goes out by itself, once and
in order, when a host gives the permission back. The live counter's refresh logs one warning, not a
traceback per refresh."""

from __future__ import annotations

import logging

import pytest
from conftest import Lounge
from reliability_kit import assert_clean_answer, lift_pacing

from sandbox import ADMINISTRATOR, Message
from sandbox.permissions import ATTACH_FILES, DEFAULT_EVERYONE, SEND_MESSAGES


def titles(lounge: Lounge) -> list[str]:
    return [
        m.embeds[0].get("title") or "" for m in lounge.sb.messages(lounge.announcements, ephemeral=False)
        if m.embeds
    ]


def milestones(lounge: Lounge) -> list[Message]:
    return [m for m in lounge.sb.messages(lounge.channel, ephemeral=False) if "🎉" in m.content]


async def test_posts_wait_for_a_lost_permission_and_the_hosts_are_told_once(
    lounge: Lounge, caplog: pytest.LogCaptureFixture
) -> None:
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    lift_pacing(lounge)
    bot = lounge.runner.bot
    assert bot is not None
    for command, options in (
        ("party create", {"name": "Dry night", "goal": "$100", "announce_channel": lounge.announcements}),
        ("category add", {"name": "Drama", "nominees": "Amy, Zed"}),
        ("category add", {"name": "Comedy", "nominees": "Bob, Yan"}),
        ("party counter", {}),
    ):
        assert_clean_answer(await sb.slash(host, channel, command, options=options))
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None

    # A host takes Administrator off the bot's role and denies it Send Messages in both channels.
    role = sb.bot_role(lounge.guild)
    sb.set_role_permissions(role, DEFAULT_EVERYONE)
    sb.set_channel_permissions(lounge.announcements, role, deny=SEND_MESSAGES)
    sb.set_channel_permissions(channel, role, deny=SEND_MESSAGES)
    caplog.clear()
    caplog.set_level(logging.INFO)

    drama = await lounge.store.ballot.find_category(party.id, "Drama")
    comedy = await lounge.store.ballot.find_category(party.id, "Comedy")
    assert drama is not None and comedy is not None
    for category, winner in ((drama, "Amy"), (comedy, "Bob")):
        nominee = await lounge.store.ballot.find_nominee(category.id, winner)
        assert nominee is not None
        r = await sb.slash(
            host, channel, "result announce", category=str(category.id), winner=str(nominee.id)
        )
        assert_clean_answer(r)
        assert r.ephemeral and r.content.startswith(f"Announced: **{winner}**"), r.content
        assert f"I can't post in <#{lounge.announcements.id}> yet: I'm missing Send Messages" in r.content
    # Pledges crossing 25%, 50% and 75%: the counter can't be edited, the milestone is held.
    for member, amount in ((lounge.guests[0], "30"), (lounge.guests[1], "50")):
        assert (await sb.slash(member, channel, "pledge", amount=amount)).content.startswith("Thank you!")
    await bot.counters.settle()
    await bot.outbox.settle()
    assert titles(lounge) == [] and milestones(lounge) == []

    # The party's host is told once per channel, privately, what is missing where.
    notices = await sb.wait_until(lambda: len(sb.dms(host)) >= 2 and sb.dms(host), 5, "the host's DMs")
    for chan in (channel, lounge.announcements):
        [notice] = [m for m in notices if f"<#{chan.id}>" in m.content]
        assert "missing View Channel" not in notice.content and "Send Messages" in notice.content
    r = await sb.slash(host, channel, "party show")
    problems = {f["name"]: f["value"] for f in r.embeds[0]["fields"]}["Can't post"]
    assert f"<#{lounge.announcements.id}>: missing Send Messages" in problems
    assert f"<#{channel.id}>: missing Send Messages" in problems
    # One warning per channel, however many refreshes and posts were refused; never a traceback.
    refused = [rec for rec in caplog.records if "missing Send Messages" in rec.getMessage()]
    assert len(refused) == 2, [rec.getMessage() for rec in refused]
    assert not [rec for rec in caplog.records if rec.exc_info or rec.levelno >= logging.ERROR]

    # The permission comes back: everything held goes out by itself, once and in order.
    sb.set_channel_permissions(lounge.announcements, role)
    sb.set_channel_permissions(channel, role)
    await sb.wait_until(lambda: len(titles(lounge)) == 2, 5, "both announcements")
    await sb.wait_until(lambda: milestones(lounge), 5, "the milestones")
    await bot.outbox.settle()
    await bot.counters.settle()
    assert titles(lounge) == ["🏆 Drama", "🏆 Comedy"]
    [told] = milestones(lounge)
    assert "75% of the goal" in told.content and "25%" in told.content and "50%" in told.content
    r = await sb.slash(host, channel, "party show")
    assert "Can't post" not in {f["name"] for f in r.embeds[0]["fields"]}
    assert len(sb.dms(host)) == 2

    # Without Attach Files the wrap-up (which carries its chart) waits too, and then goes out whole;
    # this time the fix is on the role (Administrator back: GUILD_ROLE_UPDATE), not the channel.
    sb.set_channel_permissions(lounge.announcements, role, deny=ATTACH_FILES)
    r = await sb.slash(host, channel, "party close")
    assert_clean_answer(r)
    assert "missing Attach Files" in r.content, r.content
    sb.set_role_permissions(role, ADMINISTRATOR)
    wrapup = await sb.wait_until(
        lambda: [m for m in sb.messages(lounge.announcements) if m.attachments], 5, "the wrap-up"
    )
    assert len(wrapup) == 1 and wrapup[0].attachments[0].filename.endswith(".png")
    assert len(sb.dms(host)) == 3
    assert not [rec for rec in caplog.records if rec.exc_info or rec.levelno >= logging.ERROR]
