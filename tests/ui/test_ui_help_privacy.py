"""The /help and /privacy renderers: host commands sorted out, fields within Discord's limits, text inert."""

from __future__ import annotations

from storage.privacy import Forgotten, KeptEntry, KeptPledge, KeptRsvp, MemberData
from ui.help import CommandHelp, help_embed
from ui.limits import EMBED_FIELD_VALUE_MAX, EMBED_TOTAL_MAX
from ui.privacy import forgotten_text, privacy_embed


def test_host_commands_are_told_apart_by_their_description() -> None:
    assert CommandHelp("party edit", "Change the open party (hosts).").for_hosts
    assert CommandHelp("party create", "Open the party (hosts: Manage Server).").line() == (
        "`/party create` Open the party (Manage Server)."
    )
    assert not CommandHelp("pledge", "Pledge a donation to the night's charity.").for_hosts


def test_many_commands_spill_into_more_fields_without_splitting_a_line() -> None:
    commands = [CommandHelp(f"command{n:02}", "x" * 90 + " (hosts).") for n in range(40)]
    embed = help_embed(commands)
    hosts = [f for f in embed.fields if f.name.startswith("Hosts")]
    assert len(hosts) > 1 and all(len(f.value) <= EMBED_FIELD_VALUE_MAX for f in hosts)
    assert sum(f.value.count("`/command") for f in hosts) == 40
    assert len(embed) <= EMBED_TOTAL_MAX


def test_member_text_is_read_back_inert() -> None:
    data = MemberData(
        rsvps=(KeptRsvp("Night", "going", 1, "@everyone **come** [x](https://evil)", "amy"),),
        pledges=tuple(KeptPledge("Night", 500, False, "n" * 400, "amy", "live") for _ in range(20)),
        payments=(),
        other=(KeptEntry("Night", "arrived at the door"),),
    )
    embed = privacy_embed(data)
    rsvps = embed.fields[0].value
    assert "@everyone" not in rsvps and "**come**" not in rsvps and "\\*\\*come\\*\\*" in rsvps
    pledges = embed.fields[1]
    assert pledges.name == "Pledges (20)" and "… and" in pledges.value
    assert len(pledges.value) <= EMBED_FIELD_VALUE_MAX
    assert len(embed) <= EMBED_TOTAL_MAX


def test_nothing_kept_says_so() -> None:
    embed = privacy_embed(MemberData((), (), (), ()))
    assert embed.description.startswith("Nothing:")


def test_forget_says_what_it_did_in_plain_words() -> None:
    assert forgotten_text(Forgotten(2, 0, 0, ())) == "Done. I erased 2 RSVPs and your notes."
    assert forgotten_text(Forgotten(0, 3, 0, ())) == (
        "Done. I erased your notes. Your 3 pledges keep their amounts for the charity's books, "
        "under the name “former guest”."
    )
