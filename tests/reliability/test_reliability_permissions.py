"""Who may do what, and where: every host command run by a member who is not a host is refused privately
with nothing changed; every command in a server without a party, or whose party is closed, answers
sensibly (in time, in the bot's own words) and changes nothing it should not.

The list of host commands is read from the synced command tree, so a new host command that this file
does not cover fails the first test instead of going untested.
"""

from __future__ import annotations

from typing import Any

from conftest import Lounge
from reliability_kit import (
    Stage,
    assert_clean_answer,
    assert_private_refusal,
    ballot_file,
    lift_pacing,
    public_messages,
    set_the_stage,
    snapshot,
)

from sandbox import MANAGE_GUILD

NO_SUCH_ID = "999999"
# Commands about the bot or the caller, not about a party: they answer the same with or without one.
PARTYLESS = {"help", "privacy show", "privacy forget"}


def every_command(lounge: Lounge) -> dict[str, str]:
    """Each synced command and sub-command by its full name, with its description."""
    found = {}
    for command in lounge.sb.commands():
        subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
        if not subs:
            found[command["name"]] = command["description"]
        for sub in subs:
            if sub["type"] == 2:  # a sub-command group: /party hosts add
                for leaf in sub.get("options") or []:
                    found[f"{command['name']} {sub['name']} {leaf['name']}"] = leaf["description"]
            else:
                found[f"{command['name']} {sub['name']}"] = sub["description"]
    return found


def options_for(lounge: Lounge, stage: Stage | None) -> dict[str, dict[str, Any]]:
    """Valid-looking options for every command, so that what stops a command is never a typo."""
    amy = lounge.guests[0]
    drama = stage.drama if stage else NO_SUCH_ID
    nominee = stage.amy_in_drama if stage else NO_SUCH_ID
    return {
        "party create": {"name": "Gatecrash", "goal": "$5,000"},
        "party edit": {"venue": "The roof"},
        "party show": {},
        "party close": {},
        "party export": {},
        "party invite": {},
        "party counter": {},
        "party screen": {},
        "category add": {"name": "Variety", "nominees": "Cat, Dog"},
        "category remove": {"category": drama},
        "category list": {},
        "category import": {"file": ballot_file(lounge)},
        "nominee add": {"category": drama, "name": "Eve"},
        "nominee remove": {"category": drama, "nominee": nominee},
        "rsvp": {"status": "going", "plus_ones": 1, "note": "hi"},
        "guests": {},
        "pledge": {"amount": "25"},
        "pledges": {},
        "payment record": {"member": amy, "amount": "20"},
        "payment waive": {"member": amy},
        "result announce": {"category": drama, "winner": nominee},
        "result undo": {"category": drama},
        "door": {"member": amy},
        "losers": {},
        "predict": {},
        "predictions": {},
        "void pledge": {"pledge": NO_SUCH_ID, "reason": "a troll"},
        "void payment": {"payment": NO_SUCH_ID, "reason": "a typo"},
        "void waiver": {"member": amy},
        "party reopen": {},
        "party log": {},
        "party hosts add": {"member": amy},
        "party hosts remove": {"member": lounge.host},
        "party hosts list": {},
        "nominee link": {"category": drama, "nominee": nominee, "member": lounge.guests[1]},
        "help": {},
        "privacy show": {},
        "privacy forget": {},
    }


# Money may still move on the latest closed party (dues are settled after the night), and it can reopen.
MONEY_AFTER_CLOSE = {
    "payment record", "payment waive", "void pledge", "void payment", "void waiver", "party reopen"
}


async def test_a_member_who_is_not_a_host_is_refused_every_host_command(lounge: Lounge) -> None:
    sb = lounge.sb
    stage = await set_the_stage(lounge)
    host_commands = {name for name, text in every_command(lounge).items() if "(hosts" in text}
    options = options_for(lounge, stage)
    assert host_commands <= options.keys(), f"not covered: {host_commands - options.keys()}"
    # A result to undo, so that undo too would work for a host.
    r = await sb.slash(lounge.host, lounge.channel, "result announce", options=options["result announce"])
    assert_clean_answer(r)
    assert lounge.runner.bot is not None
    await lounge.runner.bot.outbox.settle()  # the announcement's delivery is recorded before the snapshot

    carol = lounge.guests[2]
    before = await snapshot(lounge.store)
    shown = public_messages(lounge)
    for command in sorted(host_commands):
        r = await sb.slash(carol, lounge.channel, command, options=options[command])
        assert_private_refusal(r)
        assert "host" in r.content or "Manage Server" in r.content, (command, r.content)
        assert await snapshot(lounge.store) == before, command
    assert public_messages(lounge) == shown

    # Manage Server makes a host at run time, whatever Discord's own command permissions say.
    manager = sb.add_member(lounge.guild, "manager", permissions=MANAGE_GUILD)
    r = await sb.slash(manager, lounge.channel, "category add", name="Variety")
    assert_clean_answer(r)
    assert await lounge.store.ballot.find_category(stage.party_id, "Variety") is not None


async def test_every_command_in_a_server_without_a_party_answers_and_changes_nothing(lounge: Lounge) -> None:
    sb = lounge.sb
    lift_pacing(lounge)
    options = options_for(lounge, None)
    assert every_command(lounge).keys() == options.keys()
    before = await snapshot(lounge.store)
    for command, values in options.items():
        if command == "party create":
            continue
        for who in (lounge.host, lounge.guests[0]):
            r = await sb.slash(who, lounge.channel, command, options=values)
            assert_clean_answer(r)
            if command in PARTYLESS:
                assert r.ephemeral and r.text, command
            elif r.ephemeral:
                assert "no open party" in r.content or "host" in r.content, (command, r.content)
            assert await snapshot(lounge.store) == before, command
    host, channel = lounge.host, lounge.channel
    for command, option in (("category remove", "category"), ("result announce", "category")):
        choices = await sb.autocomplete(host, channel, command, focused=option, options={option: ""})
        assert choices == []
    r = await sb.slash(lounge.host, lounge.channel, "party create", options=options["party create"])
    assert_clean_answer(r)
    assert r.content.startswith("The party is open.")


async def test_every_command_on_a_closed_party_is_read_only(lounge: Lounge) -> None:
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    amy = lounge.guests[0]
    stage = await set_the_stage(lounge)
    await sb.slash(amy, channel, "pledge", amount="40")
    await sb.slash(amy, channel, "rsvp", status="going")
    r = await sb.slash(amy, channel, "pledges")
    own = await sb.wait_until(
        lambda: next((m for m in r.followup_records if m.components), None), 5, "amy's own pledges"
    )
    cancel = own.components[0]["components"][0]["custom_id"]
    assert_clean_answer(await sb.slash(host, channel, "party close"))
    bot = lounge.runner.bot
    assert bot is not None
    await bot.counters.refresher.settle()
    await bot.outbox.settle()

    before = await snapshot(lounge.store)
    read_only = {
        "party show", "party export", "category list", "guests", "pledges", "losers", "party log",
        "party hosts list", "predictions",
    }
    for command, values in options_for(lounge, stage).items():
        if command == "party create" or command in MONEY_AFTER_CLOSE:
            continue
        r = await sb.slash(host, channel, command, options=values)
        assert_clean_answer(r)
        if command in read_only | PARTYLESS:
            assert r.text, command
        else:
            assert_private_refusal(r)
            assert "closed" in r.content or "no open party" in r.content, (command, r.content)
        assert await snapshot(lounge.store) == before, command
    # The buttons already out there: an RSVP on the old invitation, cancelling a pledge.
    for r in (
        await sb.click(amy, stage.invitation, f"rsvp:{stage.party_id}:not_going"),
        await sb.click(amy, own, cancel),
    ):
        assert_private_refusal(r)
        assert "closed" in r.content, r.content
    assert await snapshot(lounge.store) == before
    # A new party may open after a closed one.
    r = await sb.slash(host, channel, "party create", name="Next year")
    assert_clean_answer(r)
    assert r.content.startswith("The party is open.")
