"""The sentences of the night's ledger: refusals, host replies, the member's private notes, the money lines.

Storage and rules decide (and raise typed errors from `storage.errors` and `rules.errors`); this module
says it, so a wording change touches one file. Rules can't import ui, so the rule sentences are handed
to `rules.errors.use_wording` when this module is imported. Every name quoted here is defused by the
caller's renderer or by `excerpt`; amounts go through `format_cents`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules import errors as rule_errors
from rules.admission import MAX_CAPACITY, MAX_PLUS_ONES
from rules.ballot_csv import HEADER_EXAMPLE
from rules.dues import DuesStatus
from rules.ledger import Application, MemberMoney, MoneyFigures
from rules.money import format_cents
from rules.text import excerpt, inert
from rules.times import discord_timestamp
from storage import Party, errors
from storage.audit import Action, LogEntry
from storage.ledger import SinceClose, VoidNotice
from storage.outbox import OutgoingMessage
from storage.results import Link

# -- refusals -----------------------------------------------------------------------------------------

_REFUSALS: dict[type[errors.StorageRefusal], str] = {
    errors.PartyClosed: (
        "That party is closed and takes no more changes. Payments, waivers and voids still work on the "
        "server's most recently closed party while no other party is open; /party reopen reopens it."
    ),
    errors.PartyStillOpen: (
        "This server already has an open party: close it with /party close before reopening another."
    ),
    errors.NothingToReopen: "There's no closed party to reopen in this server.",
    errors.PledgeCancelled: "That pledge was cancelled or voided already, so there's nothing left to change.",
    errors.NotYourPledge: (
        "That pledge isn't yours: only the member who made a pledge can change or cancel it."
    ),
    errors.PledgePaid: "That pledge is paid, so it stays as it is. Thank you!",
    errors.NoDues: "That member owes no winner's dues in this party: only winners linked to a member do.",
    errors.NoWaiver: (
        "That member has no waiver to void: their dues were never waived, or the waiver is void already."
    ),
    errors.AlreadyHost: "That member is already a named host of the party.",
    errors.NotNamedHost: (
        "That member isn't a named host of the party. Members with Manage Server and the host role are "
        "hosts through Discord; change those in the server settings."
    ),
    errors.NomineeNotFound: "There's no such nominee in that category. Pick one from the list.",
    errors.AlreadyLinked: "That member is already linked to that nominee.",
    errors.OpenPartyExists: "This server already has an open party. Close it with /party close first.",
    errors.PartyFrozen: "That party is closed; closed parties are kept as they were.",
    errors.AlreadyClosed: "That party is already closed.",
    errors.CategoryNotOnBallot: "That category isn't on this party's ballot. Pick one from the list.",
    errors.NoResultToUndo: "That category has no result to undo.",
    errors.BallotFrozen: "The party is closed; its ballot is kept as it was.",
    errors.CategoryGone: "That category is no longer on the ballot. Run /category list to see what is.",
    errors.NomineeGone: "That nominee is no longer on the ballot. Run /category list to see who is.",
    errors.RsvpsClosed: "RSVPs are closed: this party is over, and closed parties are kept as they were.",
    errors.ForeignMenu: "This menu isn't for this server's party. Run /predict here for your own ballot.",
    errors.PickGone: (
        "That category or nominee is no longer on the ballot. Run /predict again for the current one."
    ),
}


def refusal_text(error: errors.StorageRefusal) -> str:
    """The private answer to a refused use case."""
    if isinstance(error, errors.EntryNotFound):
        return f"There's no such {error.kind} in this party. Pick one from the list (start typing to search)."
    if isinstance(error, errors.AlreadyVoided):
        return f"That {error.kind} is already void: nothing changed."
    if isinstance(error, errors.NomineeNotInCategory):
        return f"That nominee isn't in {excerpt(error.category, 100)}. Pick one from the list."
    if isinstance(error, errors.AlreadyAnnounced):
        return (
            f"{excerpt(error.category, 100)} was already announced: {excerpt(error.winner, 100)} won. "
            "If that was the wrong envelope, use /result undo first."
        )
    if isinstance(error, errors.AlreadyApplied):
        return f"That {error.what} was already made."
    if isinstance(error, errors.DuesNotOwed):
        return f"Their winner's dues are already {error.status}, so there's nothing to waive."
    if isinstance(error, errors.NomineeListedTwice):
        return f"“{excerpt(error.name)}” is listed twice. Nothing was added."
    if isinstance(error, errors.CategoryNameTaken):
        return f"“{excerpt(error.name)}” is already a category. Add nominees to it with /nominee add."
    if isinstance(error, errors.NomineeNameTaken):
        return f"“{excerpt(error.name)}” is already a nominee in “{excerpt(error.category)}”."
    if isinstance(error, errors.CategoryHasResult):
        return (
            f"“{excerpt(error.category)}” already has a result ({excerpt(error.winner)} won). "
            "Undo it with /result undo before removing the category."
        )
    if isinstance(error, errors.NomineeWon):
        return (
            f"{excerpt(error.nominee)} won “{excerpt(error.category)}”. "
            "Undo the result with /result undo before removing them."
        )
    if isinstance(error, errors.ImportNomineeTaken):
        return _import_line(
            error.line,
            f"“{excerpt(error.nominee)}” is already a nominee in “{excerpt(error.category)}” on the ballot.",
        )
    return _REFUSALS[type(error)]


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _import_line(line: int, problem: str) -> str:
    """A whole ballot import refused because of one line."""
    return f"Line {line:,}: {problem} Nothing was imported."


def _accepted(limit_cents: int) -> str:
    return (
        f"Use a positive amount up to {format_cents(limit_cents)} with at most two decimals, "
        "like 50, $1,000 or 12.50."
    )


_TIMEZONE_EXAMPLE = "Use an IANA time zone name such as America/Los_Angeles, Europe/London or UTC."
_TIME_FORMS = {
    "start": "Use YYYY-MM-DD HH:MM in 24-hour time, like 2013-09-22 20:00.",
    "end": "Use HH:MM or YYYY-MM-DD HH:MM in 24-hour time, like 01:30 or 2013-09-23 01:30.",
}
_REMINDER_FORMS = (
    'Use up to 3 durations separated by commas, like "24h, 1h", "90m" or "2h 30m" (d, h and m; '
    'at most 14 days), or "off" for no reminders.'
)


_RULE_REFUSALS: dict[type[rule_errors.RuleRefusal], str] = {
    rule_errors.CapacityOutOfRange: (
        f"The capacity is a number of guests from 1 to {MAX_CAPACITY:,}, plus-ones included."
    ),
    rule_errors.PlusOnesOutOfRange: f"You can bring 0 to {MAX_PLUS_ONES} plus-ones.",
    rule_errors.EndWithoutStart: "Set when the party starts (`starts`) before when it ends.",
    rule_errors.ReminderAtStart: f"A reminder has to come before the start, not at it. {_REMINDER_FORMS}",
    rule_errors.PredictionsClosed: "The party is closed: its predictions are kept as they were.",
    rule_errors.PredictionsOff: (
        "Predictions are off for this party. A host can turn them on with /party edit predictions:True."
    ),
    rule_errors.NotAGuest: (
        "Predictions are for the party's guests: answer the invitation (or /rsvp going or maybe) first, "
        "then run /predict."
    ),
    rule_errors.PredictionsLocked: (
        "Predictions are locked: the host closed the ballot, so picks can no longer change."
    ),
    rule_errors.NotUtf8: "this isn't UTF-8 text. Save the file as “CSV UTF-8” and try again.",
    rule_errors.NoHeader: f"the first line must be the header `{HEADER_EXAMPLE}`.",
    rule_errors.EmptyFile: f"the file is empty. Its first line must be the header `{HEADER_EXAMPLE}`.",
    rule_errors.NoNominees: (
        "the file has a header but no nominees. Add lines like `Outstanding Drama Series,Mad Men,`."
    ),
    rule_errors.RoleNominee: "A role can't be a nominee: list names or mention members.",
    rule_errors.UnreadableLock: (
        "Give the lock as YYYY-MM-DD HH:MM in the party's time zone, “now”, or “off” to remove it."
    ),
}


def rule_refusal_text(error: rule_errors.RuleRefusal) -> str:
    """The private answer to input a rule refused (installed into `rules.errors` below)."""
    if isinstance(error, rule_errors.EmptyName):
        return f"The {error.what} can't be empty."
    if isinstance(error, rule_errors.NameTooLong):
        return (
            f"The {error.what} is too long: {error.length:,} characters, "
            f"and the most is {error.max_length:,}."
        )
    if isinstance(error, rule_errors.NoteTooLong):
        return f"The note is too long: {error.length:,} characters, and the most is {error.max_length:,}."
    if isinstance(error, rule_errors.NoAmount):
        return f"Enter an amount. {_accepted(error.limit_cents)}"
    if isinstance(error, rule_errors.NotAnAmount):
        return f"“{excerpt(error.typed)}” isn't an amount. {_accepted(error.limit_cents)}"
    if isinstance(error, rule_errors.ZeroAmount):
        return f"The amount has to be more than $0. {_accepted(error.limit_cents)}"
    if isinstance(error, rule_errors.AmountOverLimit):
        most = f"the most one amount can be, {format_cents(error.limit_cents)}."
        if error.cents is None:
            return f"That's more than {most}"
        return f"{format_cents(error.cents)} is more than {most}"
    if isinstance(error, rule_errors.NoRoom):
        room = "The party is full" if error.free == 0 else f"Only {_count(error.free, 'place')} left"
        return (
            f"{room}, so you can bring at most {_count(error.most, 'plus-one')}, not {error.asked}. "
            "Your place and your RSVP are unchanged."
        )
    if isinstance(error, rule_errors.UnknownTimezone):
        return f"“{excerpt(error.typed)}” isn't a time zone I know. {_TIMEZONE_EXAMPLE}"
    if isinstance(error, rule_errors.SkippedTime):
        return (
            f"{error.local:%Y-%m-%d %H:%M} doesn't exist in {error.zone}: the clocks skip it when they go "
            "forward. Pick an earlier or later time."
        )
    if isinstance(error, rule_errors.NotARealTime):
        return f"“{excerpt(error.typed)}” isn't a real time. {_TIME_FORMS[error.field]}"
    if isinstance(error, rule_errors.NotARealDate):
        return f"“{excerpt(error.typed)}” isn't a real date. {_TIME_FORMS[error.field]}"
    if isinstance(error, rule_errors.NotATime):
        what = "an end time" if error.field == "end" else "a start time"
        return f"“{excerpt(error.typed)}” isn't {what}. {_TIME_FORMS[error.field]}"
    if isinstance(error, rule_errors.YearOutOfRange):
        return (
            f"“{excerpt(error.typed)}” is out of range: use a year from {error.first_year} to "
            f"{error.last_year}."
        )
    if isinstance(error, rule_errors.EndNotAfterStart):
        return (
            f"The end, {excerpt(error.typed)}, has to be after the start, "
            f"{error.start_local:%Y-%m-%d %H:%M}."
        )
    if isinstance(error, rule_errors.StartPassed):
        hint = f" Did you mean {error.meant:%Y-%m-%d %H:%M}?" if error.meant is not None else ""
        return (
            f"The start, {excerpt(error.typed)}, has already passed ({error.zone} time).{hint} "
            "Give a start that is still ahead."
        )
    if isinstance(error, rule_errors.UnreadableReminder):
        return f"“{excerpt(error.typed)}” isn't a reminder time I can read. {_REMINDER_FORMS}"
    if isinstance(error, rule_errors.ReminderTooEarly):
        return (
            f"“{excerpt(error.typed)}” is more than {error.max_days} days before the start. "
            + _REMINDER_FORMS
        )
    if isinstance(error, rule_errors.TooManyReminders):
        return f"At most {error.most} reminders. {_REMINDER_FORMS}"
    if isinstance(error, rule_errors.CategoryDecided):
        return (
            f"Too late: {inert(error.category)} was already announced ({inert(error.winner)} won). "
            "Your pick there stays as it was; /predict shows the categories still open."
        )
    if isinstance(error, rule_errors.ImportLineRefused):
        return _import_line(error.line, str(error.problem))
    if isinstance(error, rule_errors.FileTooBig):
        return (
            f"the file passes 1 MiB here (it is {error.size_bytes / error.max_bytes:.1f} MiB), and the most "
            "is 1 MiB. Split it into smaller files."
        )
    if isinstance(error, rule_errors.UnknownColumn):
        return (
            f"unknown column “{excerpt(error.typed)}”. The header is `{HEADER_EXAMPLE}` "
            "(member_id may be left out)."
        )
    if isinstance(error, rule_errors.ColumnTwice):
        return f"the column “{error.column}” appears twice."
    if isinstance(error, rule_errors.MissingColumn):
        return f"the header has no “{error.column}” column. It should be `{HEADER_EXAMPLE}`."
    if isinstance(error, rule_errors.TooManyValues):
        return (
            f"{error.values} values where the header has {error.columns}. Put names with commas in "
            '"double quotes".'
        )
    if isinstance(error, rule_errors.TooManyNominees):
        return f"the file has more than {error.most:,} nominees. Split it into smaller files."
    if isinstance(error, rule_errors.NomineeTwiceInFile):
        return (
            f"“{excerpt(error.nominee)}” is already a nominee in “{excerpt(error.category)}” "
            f"on line {error.first_line:,}."
        )
    if isinstance(error, rule_errors.NotCsv):
        return f"this isn't valid CSV ({error.detail}). Check the quotes on this line."
    if isinstance(error, rule_errors.NotAServerMember):
        return f"member_id {error.member_id} isn't a member of this server."
    if isinstance(error, rule_errors.BadMemberId):
        return (
            f"member_id “{excerpt(error.typed)}” isn't a Discord member id. Use the member's numeric id "
            "(User Settings → Advanced → Developer Mode, then Copy User ID), or leave it empty."
        )
    return _RULE_REFUSALS[type(error)]


rule_errors.use_wording(rule_refusal_text)


# -- refusals the cogs and guards decide themselves (Discord facts: who, where, which channel) ----------

NO_PARTY = "There's no open party in this server. A host can start one with /party create."
SERVER_ONLY = "This command works inside a server, not in direct messages."
LIST_OUT_OF_DATE = "This list is out of date. Run the command again to see it."
LOG_GONE = "That log is no longer available. Run /party log again."
DOWNLOAD_FAILED = "I couldn't download the file from Discord. Try attaching it again."
EVERYONE_AS_HOST_ROLE = "@everyone can't be the host role: everyone would be a host. Pick a role for hosts."
CREATE_NEEDS_MANAGE_SERVER = (
    "Only members with Manage Server can open a party; they become its first hosts."
)
NOTHING_TO_CHANGE = "Nothing to change: give at least one option, like `venue` or `starts`."
CLOSE_WHERE = "Run /party close in a channel, or set one with /party edit announce_channel."
NO_START_FOR_CALENDAR = "The party has no start yet, so there is nothing to put in a calendar."
SCREEN_OFF = "The live screen is turned off on this bot (WEB_PORT=off); ask its owner to turn it on."
NO_REASON = "Say why, in a few words: the member and the log are shown the reason."
NOTHING_TO_PREDICT = "There's nothing to predict yet: the hosts haven't set up the ballot."
NO_ANNOUNCE_CHANNEL = (
    "I can't find the announcement channel. Set one with /party edit announce_channel:#channel."
)
NOT_THIS_INVITATION = (
    "This invitation isn't for this server's open party. Use /rsvp to answer the current one."
)


def party_closed(party_name: str) -> str:
    """A command that needs the open party, run after the last one closed."""
    return (
        f"{inert(party_name)} is closed: its RSVPs, pledges and results are kept as they were. "
        "A host can start the next party with /party create."
    )


def predictions_kept(party_name: str) -> str:
    """A ballot menu or button of a party that has closed since it was shown."""
    return f"{inert(party_name)} is closed: its predictions are kept as they were."


def pick_text_channel(what: str) -> str:
    return f"Pick a text channel for {what}."


def pick_channel_here(what: str) -> str:
    return f"Pick a channel of this server for {what}."


def cannot_post(channel_mention: str, what: str) -> str:
    return (
        f"I can't post {what} in {channel_mention}: I need View Channel, Send Messages and Embed Links "
        "there. Give me those, or pick another channel. Nothing was posted."
    )


def counter_forbidden(channel_mention: str) -> str:
    """Discord refused the counter's post although the channel looked postable."""
    return (
        f"I can't post in {channel_mention}: I need View Channel, Send Messages and Embed Links "
        "there."
    )


def no_such_category(typed: str) -> str:
    """A host's typed category (ballot commands) matches none of the party's."""
    return f"There's no category “{excerpt(typed)}” on the ballot. Pick one from the list as you type."


def no_category_to_announce(typed: str) -> str:
    """A host's typed category (result commands) matches none of the party's."""
    return f"There's no category “{excerpt(typed)}” on the ballot. Pick one from the list."


def not_a_nominee(typed: str, category: str) -> str:
    return (
        f"“{excerpt(typed)}” isn't a nominee in “{excerpt(category)}”. "
        "Pick one from the list as you type."
    )


def not_nominated(typed: str) -> str:
    return f"“{excerpt(typed)}” isn't nominated in that category. Pick one from the list."


def nominee_not_member(member_id: int) -> str:
    """A nominee mentioned as a member who isn't in this server."""
    return f"The member with id {member_id} isn't in this server, so they can't be a nominee."


def cannot_link(member_name: str) -> str:
    """A nominee linked to a user who isn't a (human) member of this server."""
    return f"{inert(member_name)} isn't a member of this server, so they can't be linked."


NOT_A_NUMBER = "Pick one from the list: start typing a donor's name or an amount."
BOTS_DONT_PAY = "Bots don't pay. Pick the member the money came from."
BOT_HOST = "A bot can't host the party. Pick a member."


def not_a_host(has_host_role: bool) -> str:
    role = ", the host role," if has_host_role else ""
    return (
        f"Only the party's hosts can do that: members with Manage Server{role} or named with "
        "/party hosts add."
    )


# -- money lines (the counter, the card, the wrap-up) --------------------------------------------------

def received_split(money: MoneyFigures) -> str:
    """"$6,000 (dues $5,000 · pledges $1,000)"."""
    return (
        f"{format_cents(money.received_cents)} (dues {format_cents(money.received_dues_cents)} · "
        f"pledges {format_cents(money.received_pledges_cents)})"
    )


def money_detail(money: MoneyFigures) -> str:
    """What the raised total is made of, and how much of it came in: two lines under a headline."""
    return (
        f"Pledges {format_cents(money.pledged_cents)} · winners' dues {format_cents(money.dues_cents)}\n"
        f"Received {received_split(money)} · outstanding {format_cents(money.outstanding_cents)}"
    )


def money_summary(money: MoneyFigures) -> str:
    """Raised, then its detail."""
    return f"Raised {format_cents(money.raised_cents)}\n{money_detail(money)}"


# -- host replies ------------------------------------------------------------------------------------

def _applied(applied: Application) -> str:
    parts = []
    if applied.to_dues:
        parts.append(f"{format_cents(applied.to_dues)} to their winner's dues")
    if applied.to_pledges:
        parts.append(f"{format_cents(applied.to_pledges)} to their pledges")
    if applied.extra_gift:
        parts.append(f"{format_cents(applied.extra_gift)} as an extra gift")
    return ", ".join(parts)


def member_standing(member: MemberMoney, dues: DuesStatus | None) -> str:
    """Where a member stands: what they paid against what they owe."""
    owed = member.pledged + member.dues
    text = f"In all they have paid {format_cents(member.received)}"
    if member.dues:
        text += f" against {format_cents(member.dues)} of winner's dues"
        text += f" and {format_cents(member.pledged)} pledged" if member.pledged else ""
    else:
        text += f" against {format_cents(member.pledged)} pledged"
    left = owed - min(member.received, owed)
    text += f"; {format_cents(left)} still to come." if left else "; they are all settled."
    if dues is DuesStatus.WAIVED:
        text += " Their winner's dues are waived."
    return text


def payment_recorded(mention: str, amount_cents: int, applied: Application, member: MemberMoney,
                     dues: DuesStatus | None) -> str:
    return (
        f"Recorded **{format_cents(amount_cents)}** received from {mention}: {_applied(applied)}. "
        + member_standing(member, dues)
        + (
            f" Their winner's dues of {format_cents(member.dues)} are now paid."
            if applied.to_dues and dues is DuesStatus.PAID
            else ""
        )
    )


def waived(mention: str, amount_cents: int) -> str:
    return (
        f"Waived {mention}'s winner's dues of {format_cents(amount_cents)}. They get in at the door without "
        "paying. Undo it with /void waiver."
    )


def pledge_voided(mention: str, amount_cents: int, reason: str) -> str:
    return (
        f"Voided {mention}'s pledge of {format_cents(amount_cents)} (“{excerpt(reason, 100)}”). It left the "
        "counter, the donor wall and every total; the export and /party log keep it, marked void. "
        "They are told privately."
    )


def payment_voided(mention: str, amount_cents: int, reason: str, member: MemberMoney,
                   dues: DuesStatus | None) -> str:
    text = (
        f"Voided the payment of {format_cents(amount_cents)} from {mention} (“{excerpt(reason, 100)}”). "
        + member_standing(member, dues)
    )
    if dues is DuesStatus.OWED:
        text += " Their winner's dues are owed again."
    return text


def waiver_voided(mention: str, amount_cents: int, dues: DuesStatus | None) -> str:
    now = "paid: their payments already cover them" if dues is DuesStatus.PAID else "owed again"
    return f"Voided the waiver: {mention}'s winner's dues of {format_cents(amount_cents)} are {now}."


# -- what the member is told privately (a DM through the outbox) --------------------------------------

def void_dm(kind: str, amount_cents: int, party_name: str, reason: str | None) -> str:
    """The private note to the member whose pledge, payment or waiver a host voided."""
    what = {
        "pledge": f"your pledge of {format_cents(amount_cents)}",
        "payment": f"the payment of {format_cents(amount_cents)} recorded from you",
        "waiver": f"the waiver of your winner's dues of {format_cents(amount_cents)}",
    }[kind]
    text = f"A host of {excerpt(party_name, 100)} voided {what}."
    if reason:
        text += f" Reason: “{excerpt(reason, 200)}”."
    if kind == "waiver":
        text += " Your winner's dues count again."
    return text + " If this looks wrong, ask a host."


# -- the audit trail (/party log) ----------------------------------------------------------------------

def log_line(entry: LogEntry) -> str:
    """One line of /party log: when, who, what and why. Mentions render in embeds and never ping."""
    who = f"<@{entry.actor_id}>"
    member = f"<@{entry.subject_id}>" if entry.subject_id is not None else "someone"
    amount = format_cents(entry.amount_cents) if entry.amount_cents is not None else ""
    what = {
        Action.PAYMENT: f"recorded {amount} received from {member}",
        Action.PAYMENT_VOID: f"voided the payment #{entry.ref_id} of {amount} from {member}",
        Action.PLEDGE_VOID: f"voided {member}'s pledge #{entry.ref_id} of {amount}",
        Action.PLEDGE_EDIT: f"changed their pledge #{entry.ref_id} to {amount}",
        Action.PLEDGE_CANCEL: f"cancelled their pledge #{entry.ref_id}",
        Action.WAIVER: f"waived {member}'s winner's dues of {amount}",
        Action.WAIVER_VOID: f"voided the waiver of {member}'s dues of {amount}",
        Action.RESULT: "announced a result",
        Action.RESULT_UNDO: "withdrew a result",
        Action.PARTY_EDIT: "changed the party",
        Action.CLOSE: "closed the party",
        Action.REOPEN: "reopened the party",
        Action.HOST_ADD: f"named {member} a host",
        Action.HOST_REMOVE: f"un-named {member} as a host",
        Action.NOMINEE_LINK: f"linked {member} to a nominee",
    }[entry.action]
    line = f"{discord_timestamp(entry.at, 'f')} · {who} {what}"
    if entry.detail:
        line += f": {excerpt(entry.detail, 100)}"
    if entry.reason:
        line += f" · why: “{excerpt(entry.reason, 200)}”"
    return line


NO_LOG = "Nothing in the log yet: host actions and corrections show here as they happen."


def hosts_text(party: Party, named: Sequence[int]) -> str:
    """/party hosts list: named hosts, the host role, and the members with Manage Server."""
    lines = [f"Hosts of {excerpt(party.name, 100)}:"]
    lines.append("Named: " + (", ".join(f"<@{user_id}>" for user_id in named) if named else "nobody"))
    if party.host_role_id is not None:
        lines.append(f"Everyone with the host role <@&{party.host_role_id}>")
    lines.append("Members with Manage Server (always hosts, so a party is never left without one)")
    return "\n".join(lines)


def pledge_changed(amount_cents: int, note: str | None) -> str:
    text = f"Your pledge is now **{format_cents(amount_cents)}**."
    if note:
        text += f"\nNote: “{excerpt(note, 200)}”"
    return text + "\nSee your pledges with /pledges."


def donation_changed(amount_cents: int, kept: int) -> str:
    """After /party edit winner_donation: the new amount applies to new winners only."""
    text = f"New winners now owe {format_cents(amount_cents)}."
    if kept == 1:
        return text + " 1 winner's dues already recorded keep their amount."
    if kept:
        return text + f" {kept} winners' dues already recorded keep their amount."
    return text


def nominee_linked(link: Link, category: str) -> str:
    """/nominee link's reply: who the nominee now stands for, and whether that made a winner owe dues."""
    members = ", ".join(f"<@{m}>" for m in link.nominee.member_ids)
    text = f"Linked <@{link.member_id}> to **{excerpt(link.nominee.name, 100)}** in {excerpt(category, 100)}"
    text += f" (now {members})." if len(link.nominee.member_ids) > 1 else "."
    if link.won:
        text += f" They won {excerpt(', '.join(link.won), 200)}, so <@{link.member_id}> is a winner now"
        if link.dues is None:
            text += " (their winner's dues were already recorded)."
        elif link.dues.status is DuesStatus.PAID:
            text += f" and owes {format_cents(link.dues.amount_cents)}: their payments already cover it."
        else:
            text += f" and owes {format_cents(link.dues.amount_cents)}."
    return text


def void_notice(notice: VoidNotice) -> OutgoingMessage:
    """The DM to the member whose entry a host voided (queued with the void)."""
    text = void_dm(notice.kind, notice.amount_cents, notice.party_name, notice.reason)
    return OutgoingMessage(content=text)


def since_close(since: SinceClose) -> OutgoingMessage:
    """The line posted after the wrap-up when a closed party's money moves, so its figures stay true."""
    money = since.money
    return OutgoingMessage(
        content=(
            f"Since the wrap-up of {excerpt(since.party_name, 100)}: "
            f"raised {format_cents(money.raised_cents)} · received {received_split(money)} · "
            f"outstanding {format_cents(money.outstanding_cents)}."
        )
    )
