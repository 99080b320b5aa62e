"""The night, step by step: setting up, RSVPs, the show, the door and closing time.

Where a real crowd would act at once (answering the invitation, pledging while results come in, the
co-host taking payments while the host announces), the steps run concurrently; the bot's own pacer
keeps its channel writes under Discord's limits. With a pace, the crowd is staggered so it reads.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from demo import scenario
from demo.figures import cents_of, money_text, posted_figures
from demo.progress import Progress
from demo.stage import PATIENCE, DemoError, Stage
from sandbox import Attachment, Message, StoredAttachment

# With a pace, members of a crowd act this many beats apart.
CROWD_STAGGER = 0.3
WRAPUP_TITLE = "That's a wrap"
COUNTER_TITLE_END = "the fundraiser"
REMINDER_START = "reminder:"


@dataclass(frozen=True)
class Finale:
    """What closing the night left: the bot's wrap-up message and the host's export files."""

    wrapup: Message
    exports: tuple[StoredAttachment, ...]


class Announced:
    """How many results are in, for everyone waiting for a moment of the show."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Condition()

    async def reach(self, count: int) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.count >= count)

    async def advance(self) -> None:
        async with self._changed:
            self.count += 1
            self._changed.notify_all()


def ballot_with_members(stage: Stage) -> bytes:
    """The bundled ballot with the member ids of the nominees who are in the server filled in."""
    linked = {
        line: stage.member(person.username).id
        for person in scenario.NOMINEES
        for line in person.nominated_as
    }
    with scenario.BALLOT.open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["category", "nominee", "member_id"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        member_id = linked.get(row["nominee"])
        writer.writerow({**row, "member_id": "" if member_id is None else str(member_id)})
    return out.getvalue().encode("utf-8")


async def crowd(stage: Stage, steps: list[Callable[[], Awaitable[object]]]) -> None:
    """Everyone in `steps` acts at once, staggered by the pace."""

    async def staggered(number: int, step: Callable[[], Awaitable[object]]) -> None:
        await stage.pause(number * CROWD_STAGGER)
        await step()

    await asyncio.gather(*(staggered(n, step) for n, step in enumerate(steps)))


async def set_up(stage: Stage, progress: Progress) -> Message:
    """The hosts open the party, import the ballot and post the invitation and the counter."""
    host, co_host = scenario.HOST.username, scenario.CO_HOST.username
    part = progress.begin(0, 7)
    stage.scene(f"{part.when}: {stage.name_of(host)} opens the party")
    await stage.slash(
        host,
        "party create",
        **scenario.PARTY,
        starts=progress.clock.starts_typed,
        host_role=stage.host_role,
        announce_channel=stage.channel(scenario.RESULTS),
    )
    progress.step()
    await stage.pause()
    await stage.slash("gus", "party edit", venue="My place, bring snacks")
    progress.step()
    await stage.pause()
    ballot = Attachment("emmys-65.csv", ballot_with_members(stage), "text/csv")
    await stage.slash(co_host, "category import", file=ballot, timeout=PATIENCE)
    progress.step()
    await stage.pause()
    await stage.slash("alex", "category list")
    progress.step()
    await stage.pause()
    invites = stage.channel(scenario.INVITES)
    await stage.slash(host, "party invite", channel=invites, timeout=PATIENCE)
    progress.step()
    await stage.pause()
    await stage.slash(co_host, "party counter", channel=stage.channel(scenario.CHAT), timeout=PATIENCE)
    progress.step()
    await stage.pause()
    await stage.slash("dana", "party show")
    progress.step()
    return await stage.sb.wait_for_message(invites, lambda m: bool(m.custom_ids), timeout=PATIENCE)


async def answer(stage: Stage, rsvp: scenario.Rsvp, invitation: Message) -> None:
    if rsvp.by_button:
        label = {"going": "Going", "maybe": "Maybe", "not going": "Can't go"}[rsvp.status]
        await stage.click(rsvp.who, invitation, label, what="the invitation")
        return
    options: dict[str, object] = {"status": rsvp.status}
    if rsvp.plus_ones is not None:
        options["plus_ones"] = rsvp.plus_ones
    if rsvp.note is not None:
        options["note"] = rsvp.note
    await stage.slash(rsvp.who, "rsvp", **options)


async def rsvps(stage: Stage, progress: Progress, invitation: Message) -> None:
    """A few dozen friends answer the invitation at once, some change their minds, one reads the list."""
    progress.begin(1, len(scenario.RSVPS) + len(scenario.CHANGES) + 1)
    stage.scene("The days before: friends answer the invitation")

    def answering(rsvp: scenario.Rsvp) -> Callable[[], Awaitable[None]]:
        async def step() -> None:
            await answer(stage, rsvp, invitation)
            progress.step()

        return step

    await crowd(stage, [answering(rsvp) for rsvp in scenario.RSVPS])
    await stage.pause()
    await crowd(stage, [answering(rsvp) for rsvp in scenario.CHANGES])
    await stage.pause()
    await stage.slash("omar", "guests")
    progress.step()


def reminder_dms(stage: Stage, who: str) -> list[Message]:
    return [m for m in stage.sb.dms(stage.member(who)) if m.content.startswith(REMINDER_START)]


async def the_hour_before(stage: Stage, progress: Progress) -> None:
    """An hour before the show the bot reminds everyone going or maybe: a DM each, and one grouped
    mention in the results channel for the guest whose DMs are closed (the watcher tells that post)."""
    part = progress.begin(2, 2)
    stage.scene(f"{part.when}: an hour to go; the bot reminds the guests")
    sb = stage.sb
    await sb.wait_until(lambda: reminder_dms(stage, scenario.REMINDED), PATIENCE, "the reminder DMs")
    stage.tell_dm(scenario.REMINDED, reminder_dms(stage, scenario.REMINDED)[0])
    progress.step()
    closed = stage.member(scenario.DMS_CLOSED).id
    mention = await sb.wait_for_message(
        stage.channel(scenario.RESULTS),
        lambda m: f"<@{closed}> {REMINDER_START}" in m.content,
        timeout=PATIENCE,
    )
    # The channel watcher tells it: told before the story's clock moves on, it reads "in 59 minutes".
    await sb.wait_until(lambda: stage.told(mention), PATIENCE, "the transcript to show the mention")
    progress.step()


async def announce(stage: Stage, who: str, category: str, typed: str, winner: str) -> None:
    """A host finds the category and the winner by autocomplete, as they would type them, and announces."""
    category_id = await stage.pick(who, "result announce", "category", typed, category)
    winner_id = await stage.pick(
        who, "result announce", "winner", winner.split()[0], winner, category=category_id
    )
    await stage.slash(
        who,
        "result announce",
        shown={"category": category, "winner": winner},
        timeout=PATIENCE,
        category=category_id,
        winner=winner_id,
    )


async def undo(stage: Stage, who: str, category: str, typed: str, reason: str) -> None:
    category_id = await stage.pick(who, "result undo", "category", typed, category)
    await stage.slash(
        who,
        "result undo",
        shown={"category": category},
        timeout=PATIENCE,
        category=category_id,
        reason=reason,
    )


async def the_hosts_announce(stage: Stage, progress: Progress, announced: Announced) -> None:
    host = scenario.HOST.username
    wrong_category, wrong_winner = scenario.WRONG_ENVELOPE
    for result in scenario.SHOW:
        if result.category == wrong_category:
            await announce(stage, host, result.category, result.typed, wrong_winner)
            await stage.pause()
            await undo(stage, host, result.category, result.typed, scenario.WRONG_ENVELOPE_REASON)
            await stage.pause()
        await announce(stage, host, result.category, result.typed, result.winner)
        progress.clock.after_results(announced.count + 1)
        await announced.advance()
        progress.step()
        await stage.pause(2)


async def the_crowd_pledges(stage: Stage, progress: Progress, announced: Announced) -> None:
    waves = sorted({pledge.after for pledge in scenario.PLEDGES})
    for after in waves:
        await announced.reach(after)

        def pledging(pledge: scenario.Pledge) -> Callable[[], Awaitable[None]]:
            async def step() -> None:
                options: dict[str, object] = {"amount": pledge.amount}
                if pledge.anonymous:
                    options["anonymous"] = True
                if pledge.note is not None:
                    options["note"] = pledge.note
                await stage.slash(pledge.who, "pledge", **options)
                progress.step()

            return step

        await crowd(stage, [pledging(p) for p in scenario.PLEDGES if p.after == after])


async def the_co_host_takes_money(stage: Stage, progress: Progress, announced: Announced) -> None:
    co_host = scenario.CO_HOST.username
    waived, waived_after = scenario.WAIVED
    settled = False
    for payment in scenario.PAYMENTS:
        if not settled and payment.after >= waived_after:
            await announced.reach(waived_after)
            await stage.slash(co_host, "payment waive", member=stage.member(waived))
            progress.step()
            settled = True
        await announced.reach(payment.after)
        await stage.slash(
            co_host,
            "payment record",
            member=stage.member(payment.who),
            amount=payment.amount,
            note=payment.note,
        )
        progress.step()
        await stage.pause()


async def the_hosts_correct_a_troll(stage: Stage, progress: Progress, announced: Announced) -> None:
    """A guest pledges a million for a laugh; the co-host voids it, with a reason, and the totals drop it."""
    await announced.reach(8)
    await stage.slash("wes", "pledge", amount="$1,000,000", note="lol")
    progress.step()
    co_host = scenario.CO_HOST.username
    choices = await stage.sb.autocomplete(
        stage.member(co_host), stage.channel(scenario.CHAT), "void pledge", focused="pledge",
        options={"pledge": "$1,000,000"},
    )
    troll = next((c for c in choices if "$1,000,000" in c["name"]), None)
    if troll is None:
        raise DemoError("/void pledge did not offer the $1,000,000 pledge")
    await stage.slash(
        co_host, "void pledge", shown={"pledge": troll["name"]}, pledge=troll["value"],
        reason="Nobody pledged a million: a joke",
    )
    progress.step()


async def the_room_talks(stage: Stage, progress: Progress, announced: Announced) -> None:
    """Guests who look things up during the show, and one who tries to announce a result himself."""
    await announced.reach(3)
    category = "Outstanding Comedy Series"
    category_id = await stage.pick("lou", "result announce", "category", "comedy series", category)
    winner_id = await stage.pick("lou", "result announce", "winner", "Louie", "Louie", category=category_id)
    await stage.slash(
        "lou",
        "result announce",
        shown={"category": category, "winner": "Louie"},
        category=category_id,
        winner=winner_id,
    )
    progress.step()
    await the_hosts_correct_a_troll(stage, progress, announced)
    await announced.reach(13)
    await stage.slash("nia", "losers")
    progress.step()
    await announced.reach(20)
    await stage.slash("pia", "pledges")
    progress.step()


def ballot_menus(message: Message) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row.get("components", []) if c.get("type") == 3]


async def the_guests_predict(stage: Stage, progress: Progress) -> None:
    """A dozen guests open /predict and pick a winner in each menu of their ballot's first page."""
    winners = {result.category: result.winner for result in scenario.SHOW}

    def predicting(number: int, who: str) -> Callable[[], Awaitable[None]]:
        async def step() -> None:
            reply = await stage.slash(who, "predict")
            message = reply.message_record
            if message is None:
                raise DemoError(f"/predict showed {stage.name_of(who)} no ballot: {reply.error}")
            for index, menu in enumerate(ballot_menus(message)):
                category = menu["placeholder"]
                nominees = [option["label"] for option in menu["options"]]
                await stage.choose(
                    who, message, category, scenario.prediction(number, index, nominees, winners[category])
                )
                message = stage.sb.message(message.id)
            progress.step()

        return step

    await crowd(stage, [predicting(n, who) for n, who in enumerate(scenario.PREDICTORS)])


async def the_show(stage: Stage, progress: Progress) -> None:
    """The hosts announce every category while the room pledges and the co-host takes the money."""
    crowd_steps = len(scenario.PREDICTORS) + len(scenario.PLEDGES) + len(scenario.PAYMENTS)
    steps = crowd_steps + len(scenario.SHOW) + 4 + 2
    part = progress.begin(3, steps)
    stage.scene(f"{part.when}: the show starts; guests predict, then results come in")
    await the_guests_predict(stage, progress)
    announced = Announced()
    await asyncio.gather(
        the_hosts_announce(stage, progress, announced),
        the_crowd_pledges(stage, progress, announced),
        the_co_host_takes_money(stage, progress, announced),
        the_room_talks(stage, progress, announced),
    )


async def the_door(stage: Stage, progress: Progress) -> None:
    """A loser in free, paid and waived winners in, an unpaid winner held until she pays, then walk-ins."""
    host, co_host = scenario.HOST.username, scenario.CO_HOST.username
    part = progress.begin(4, len(scenario.DOOR) + 2 + len(scenario.WALK_INS) + 1)
    stage.scene(f"{part.when}: the after-party; the hosts work the door")
    for guest in scenario.DOOR:
        await stage.slash(host, "door", member=stage.member(guest))
        progress.step()
        await stage.pause()
    paid = scenario.PAID_AT_DOOR
    await stage.slash(
        co_host, "payment record", member=stage.member(paid.who), amount=paid.amount, note=paid.note
    )
    progress.step()
    await stage.slash(host, "door", member=stage.member(paid.who))
    progress.step()

    def checking_in(number: int, guest: str) -> Callable[[], Awaitable[None]]:
        async def step() -> None:
            await stage.slash(host if number % 2 else co_host, "door", member=stage.member(guest))
            progress.step()

        return step

    await crowd(stage, [checking_in(n, guest) for n, guest in enumerate(scenario.WALK_INS)])
    await stage.pause()
    await stage.slash(co_host, "door", member=stage.member(scenario.DOOR[0]))
    progress.step()


async def closing_time(stage: Stage, progress: Progress) -> Finale:
    """Last looks at the guest list and the losers' board, then the host closes the night and exports."""
    host = scenario.HOST.username
    part = progress.begin(5, 6)
    stage.scene(f"{part.when}: closing time")
    await stage.slash("jonhamm", "guests")
    progress.step()
    await stage.slash("tess", "predictions")
    progress.step()
    await stage.slash("zoe", "losers")
    progress.step()
    await stage.pause()
    closed = await stage.slash(host, "party close", timeout=PATIENCE)
    if closed.error is not None:
        raise DemoError(f"/party close was not answered: {closed.error}")
    progress.step()
    wrapup = await stage.sb.wait_for_message(
        stage.channel(scenario.RESULTS),
        lambda m: bool(m.embeds) and str(m.embeds[0].get("title", "")).startswith(WRAPUP_TITLE),
        timeout=PATIENCE,
    )
    progress.step()
    export = await stage.slash(host, "party export", timeout=PATIENCE)
    progress.step()
    record = export.message_record
    await settled(stage, wrapup)
    return Finale(wrapup, tuple(record.attachments) if record is not None else ())


async def settled(stage: Stage, wrapup: Message) -> None:
    """Waits until the bot's live messages have caught up with the close: the invitation says RSVPs are
    closed, the counter shows the final total and, if the goal was reached, the room was told."""
    sb = stage.sb
    raised = posted_figures(wrapup.embeds[0]).raised_cents
    chat = stage.channel(scenario.CHAT)

    def invitation_closed() -> bool:
        return any(
            _title(m).endswith("(RSVPs closed)")
            for m in sb.messages(stage.channel(scenario.INVITES), ephemeral=False, deleted=False)
            if m.custom_ids
        )

    def counter_final() -> bool:
        counters = [
            m
            for m in sb.messages(chat, ephemeral=False, deleted=False)
            if m.source == "channel" and _title(m).endswith(COUNTER_TITLE_END)
        ]
        if not counters:
            return False
        fields = {f.get("name"): f.get("value") for f in counters[-1].embeds[0].get("fields") or []}
        return fields.get("Raised") == money_text(raised)

    await sb.wait_until(invitation_closed, PATIENCE, "the invitation to show RSVPs closed")
    await sb.wait_until(counter_final, PATIENCE, "the counter to show the final total")
    if raised >= cents_of(scenario.PARTY["goal"]):
        await sb.wait_for_message(chat, lambda m: "Goal reached" in m.content, timeout=PATIENCE)


def _title(message: Message) -> str:
    return str(message.embeds[0].get("title", "")) if message.embeds else ""


async def play_night(stage: Stage, progress: Progress) -> Finale:
    invitation = await set_up(stage, progress)
    await rsvps(stage, progress, invitation)
    await the_hour_before(stage, progress)
    await the_show(stage, progress)
    await the_door(stage, progress)
    return await closing_time(stage, progress)
