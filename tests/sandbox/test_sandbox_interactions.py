"""Slash commands, deferrals, autocomplete, buttons, selects, modals and Discord's callback timing rules."""

from __future__ import annotations

import discord
import pytest

from sandbox import Attachment, DiscordSandbox, NoResponse, SandboxError


async def test_slash_reply_is_ephemeral_and_timed(sb: DiscordSandbox, setup, bot):
    reply = await sb.slash(setup.amy, setup.chan, "ping")
    assert reply.error is None
    assert reply.type == 4 and reply.content == "pong" and reply.ephemeral
    assert 0 <= reply.latency < 3
    assert sb.acks[-1].accepted and sb.acks[-1].callback_type == 4
    # Ephemeral replies are private: nothing for the rest of the channel to see.
    assert sb.messages(setup.chan, ephemeral=False) == []


async def test_slash_options_are_resolved_and_attachments_readable(sb: DiscordSandbox, setup, bot):
    reply = await sb.slash(
        setup.host,
        setup.chan,
        "party create",
        name="Emmys",
        capacity=40,
        host=setup.host,
        file=Attachment("ballot.csv", b"category,nominee"),
        announce_channel=setup.other,
    )
    assert reply.error is None, reply.error
    assert reply.content == (
        "created Emmys; capacity 40; host tina manage_guild=True; file ballot.csv category,nominee; "
        "announce #general"
    )


async def test_driver_rejects_options_the_bot_never_registered(sb: DiscordSandbox, setup, bot):
    with pytest.raises(SandboxError, match="no option 'colour'"):
        await sb.slash(setup.amy, setup.chan, "party create", name="x", colour="red")
    with pytest.raises(SandboxError, match="missing required option"):
        await sb.slash(setup.amy, setup.chan, "party create")
    with pytest.raises(SandboxError, match="never synced a command named 'nope'"):
        await sb.slash(setup.amy, setup.chan, "nope")
    with pytest.raises(SandboxError, match="needs a sub-command"):
        await sb.slash(setup.amy, setup.chan, "party")


async def test_deferred_reply_is_replaced_by_the_first_followup(sb: DiscordSandbox, setup, bot):
    reply = await sb.slash(setup.amy, setup.chan, "party show")
    assert reply.error is None
    assert reply.type == 5
    assert reply.content == "the party card" and not reply.ephemeral
    await sb.wait_until(lambda: len(reply.followups) == 1, 5)
    assert reply.followups[0]["content"] == "a second message"
    public = sb.messages(setup.chan, ephemeral=False)
    assert [m.content for m in public] == ["the party card", "a second message"]
    assert public[0].id == reply.message_record.id and public[0].edits and not public[0].loading


async def test_autocomplete_choices(sb: DiscordSandbox, setup, bot):
    choices = await sb.autocomplete(
        setup.host, setup.chan, "result announce", focused="category", category="dr"
    )
    assert choices == [{"name": "Drama", "value": "Drama"}]
    choices = await sb.autocomplete(
        setup.host, setup.chan, "result announce", focused="winner", category="Drama", winner="ja"
    )
    assert [c["value"] for c in choices] == ["jane", "james"]


async def test_button_click_updates_the_message(sb: DiscordSandbox, setup, bot):
    invite = await sb.slash(setup.host, setup.chan, "party invite")
    message = invite.message_record
    assert message.custom_ids == ["rsvp:going", "rsvp:details"]
    click = await sb.click(setup.amy, message, "rsvp:going")
    assert click.error is None and click.type == 7
    assert click.content == "1 going" and sb.message(message.id).content == "1 going"
    details = await sb.click(setup.amy, message.id, "rsvp:details")
    assert details.type == 4 and details.ephemeral and details.content == "details for amy"
    with pytest.raises(SandboxError, match="has no component 'rsvp:nope'"):
        await sb.click(setup.amy, message, "rsvp:nope")


async def test_select_menu(sb: DiscordSandbox, setup, bot):
    prompt = await sb.slash(setup.host, setup.chan, "party pick")
    reply = await sb.select(setup.amy, prompt.message_record, "pick", ["drama", "comedy"])
    assert reply.content == "picked drama,comedy"
    with pytest.raises(SandboxError, match="has no option"):
        await sb.select(setup.amy, prompt.message_record, "pick", ["sports"])


async def test_modal_submit_mirrors_the_modal_layout(sb: DiscordSandbox, setup, bot):
    shown = await sb.slash(setup.amy, setup.chan, "party feedback")
    assert shown.type == 9 and shown.modal["title"] == "Feedback"
    assert [c["type"] for c in shown.modal["components"]] == [1, 18]  # action row and label (2.7)
    reply = await sb.submit_modal(
        setup.amy,
        setup.chan,
        shown.modal["custom_id"],
        {"feedback:text": "great night", "feedback:mood": "happy"},
    )
    assert reply.error is None, reply.error
    assert reply.content == "thanks: great night (happy)" and reply.ephemeral


async def test_callback_after_three_seconds_is_unknown_interaction(sb: DiscordSandbox, setup, bot):
    reply = await sb.slash(setup.amy, setup.chan, "party late", timeout=6)
    assert reply.type is None and "10062" in reply.error
    await sb.wait_until(lambda: bot.errors, 2, "the bot to see the error")
    assert bot.errors == [10062]
    assert (sb.acks[-1].status, sb.acks[-1].error_code) == (404, 10062)
    assert sb.acks[-1].latency > 3


async def test_second_acknowledgement_is_refused_with_40060(sb: DiscordSandbox, setup, bot):
    first = await sb.slash(setup.amy, setup.chan, "ping")
    assert first.content == "pong"
    again = await sb.redeliver(first)
    assert again.error is None
    assert bot.pings == 2
    assert [(a.status, a.error_code) for a in sb.acks] == [(200, None), (400, 40060)]


async def test_ephemeral_deferral_keeps_ephemerality_and_files_arrive(sb: DiscordSandbox, setup, bot):
    reply = await sb.slash(setup.amy, setup.chan, "party export")
    assert reply.error is None and reply.type == 5
    assert reply.ephemeral and reply.content == "your export"
    assert [a["filename"] for a in reply.attachments] == ["guests.csv"]
    assert reply.message_record.attachments[0].data == b"name\namy\n"
    card = await sb.slash(setup.amy, setup.chan, "party card")
    assert card.type == 4 and not card.ephemeral
    assert [(a.filename, a.data) for a in card.message_record.attachments] == [("card.png", b"PNG")]


async def test_more_than_25_autocomplete_choices_are_refused(sb: DiscordSandbox, setup, bot):
    with pytest.raises(NoResponse, match="400 code 50035"):
        await sb.autocomplete(
            setup.host, setup.chan, "result announce", focused="winner", category="Many", winner=""
        )
    assert (sb.acks[-1].status, sb.acks[-1].error_code) == (400, 50035)


async def test_an_interaction_delivered_old_carries_an_old_snowflake_and_its_deadline(
    sb: DiscordSandbox, setup, bot
):
    reply = await sb.slash(setup.amy, setup.chan, "ping", created_ago=4.0)
    created = discord.utils.snowflake_time(reply.record.id)
    assert 3.9 < (discord.utils.utcnow() - created).total_seconds() < 6
    # Discord's 3 s count from creation: the answer to a 4 s old interaction is refused.
    assert reply.type is None and "10062" in reply.error
    fresh = await sb.slash(setup.amy, setup.chan, "ping")
    assert fresh.content == "pong" and fresh.record.id > reply.record.id
