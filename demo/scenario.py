"""The night's scenario as data: who is there, what the hosts set up, and what everyone does.

Modelled on the Losers Lounge after the 65th Primetime Emmys (22 September 2013): a party at Soho House
until 1:30 a.m. for Worldwide Orphans Foundation, with a $1,000 donation from every winner and a
$20,000 goal. The ballot is the real 26-category one (`ballots/emmys-65.csv`) and the winners are the
real ones; the guests, their answers, pledges and notes are made up. Thirteen guests are nominees
themselves, linked to their ballot lines, so that winning costs them their dues and losing gets them
in free.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BALLOT = Path(__file__).resolve().parent / "ballots" / "emmys-65.csv"

SERVER = "Losers Lounge"
HOST_ROLE = "Lounge hosts"
# Where guests talk and the counter climbs; where the invitation hangs; where results are announced.
CHAT, INVITES, RESULTS = "watch-party", "invitations", "results"

# The start is the story clock's (`demo.story`): the 2013 night, replayed on a Sunday near today.
PARTY = {
    "name": "Losers Lounge: 65th Emmys",
    "venue": "Soho House, West Hollywood",
    "ends": "01:30",
    "timezone": "America/Los_Angeles",
    "charity": "Worldwide Orphans Foundation",
    "winner_donation": "$1,000",
    "goal": "$20,000",
}


@dataclass(frozen=True)
class Person:
    """A member of the server: `username` is their handle, `name` what the server shows."""

    username: str
    name: str
    # Ballot lines (nominee names) this member is, when they are a nominee.
    nominated_as: tuple[str, ...] = ()


HOST = Person("nora", "Nora")
CO_HOST = Person("theo", "Theo")

FRIENDS = tuple(
    Person(username, name)
    for username, name in (
        ("alex", "Alex"), ("bea", "Bea"), ("cam", "Cam"), ("dana", "Dana"), ("eli", "Eli"),
        ("fran", "Fran"), ("gus", "Gus"), ("hana", "Hana"), ("ivan", "Ivan"), ("jo", "Jo"),
        ("kit", "Kit"), ("lou", "Lou"), ("max", "Max"), ("nia", "Nia"), ("omar", "Omar"),
        ("pia", "Pia"), ("quinn", "Quinn"), ("rafa", "Rafa"), ("sol", "Sol"), ("tess", "Tess"),
        ("uma", "Uma"), ("vic", "Vic"), ("wes", "Wes"), ("zoe", "Zoë 🌟"),
    )
)

NOMINEES = (
    Person("jimparsons", "Jim Parsons", ("Jim Parsons",)),
    Person("juliald", "Julia Louis-Dreyfus", ("Julia Louis-Dreyfus",)),
    Person("clairedanes", "Claire Danes", ("Claire Danes",)),
    Person("tonyhale", "Tony Hale", ("Tony Hale",)),
    Person("merrittwever", "Merritt Wever", ("Merritt Wever",)),
    Person("annagunn", "Anna Gunn", ("Anna Gunn",)),
    Person("jeffdaniels", "Jeff Daniels", ("Jeff Daniels",)),
    Person("janekrakowski", "Jane Krakowski", ("Jane Krakowski",)),
    Person("jonhamm", "Jon Hamm", ("Jon Hamm",)),
    Person("louisck", "Louis C.K.", ("Louis C.K.", "Louis C.K. & Pamela Adlon")),
    Person("lenadunham", "Lena Dunham", ("Lena Dunham",)),
    Person("elisabethmoss", "Elisabeth Moss", ("Elisabeth Moss",)),
    Person("amypoehler", "Amy Poehler", ("Amy Poehler",)),
)

GUESTS = FRIENDS + NOMINEES


@dataclass(frozen=True)
class Rsvp:
    """One answer: by the invitation's button, or by /rsvp (which also takes plus-ones and a note)."""

    who: str
    status: str
    by_button: bool
    plus_ones: int | None = None
    note: str | None = None


# Two notes are there to show what users type stays text: tags are not HTML, @everyone pings nobody.
RSVPS = (
    Rsvp("alex", "going", True),
    Rsvp("bea", "going", False, 1, "<3 & <b>cheers</b> to every loser"),
    Rsvp("cam", "going", True),
    Rsvp("dana", "going", False, 2, "Bringing the Veep watch club"),
    Rsvp("eli", "maybe", True),
    Rsvp("fran", "going", True),
    Rsvp("gus", "going", False, 0, "On the door list twice? Try me"),
    Rsvp("hana", "going", True),
    Rsvp("ivan", "not going", True),
    Rsvp("jo", "going", False, 1),
    Rsvp("kit", "going", False, 0, "@everyone the bar opens at 9"),
    Rsvp("lou", "maybe", False, 0, "Depends on the Louie result"),
    Rsvp("max", "going", True),
    Rsvp("nia", "going", True),
    Rsvp("omar", "going", False, 3, "Omar + three cousins"),
    Rsvp("pia", "not going", False, 0, "In Toronto, pledging from afar"),
    Rsvp("quinn", "going", True),
    Rsvp("rafa", "going", True),
    Rsvp("sol", "maybe", True),
    Rsvp("tess", "going", False, 1, "Goal or bust!"),
    Rsvp("uma", "going", True),
    Rsvp("vic", "going", True),
    Rsvp("wes", "not going", True),
    Rsvp("zoe", "going", False, 0, "Ich bin dabei! 🎬"),
    Rsvp("jimparsons", "going", True),
    Rsvp("juliald", "going", False, 1),
    Rsvp("clairedanes", "going", True),
    Rsvp("tonyhale", "going", True),
    Rsvp("merrittwever", "maybe", True),
    Rsvp("annagunn", "going", False, 1),
    Rsvp("jeffdaniels", "going", True),
    Rsvp("janekrakowski", "going", True),
    Rsvp("jonhamm", "going", True),
    Rsvp("louisck", "maybe", True),
    Rsvp("lenadunham", "going", False, 2),
    Rsvp("elisabethmoss", "going", True),
    Rsvp("amypoehler", "going", True),
)

# A guest who keeps DMs from server members closed: the bot mentions her in the results channel instead.
DMS_CLOSED = "kit"
# Whose reminder DM the transcript shows (everyone going or maybe gets the same one).
REMINDED = "alex"

# Second thoughts, answered once everyone else has: a button click then a /rsvp with plus-ones.
CHANGES = (
    Rsvp("eli", "going", True),
    Rsvp("louisck", "going", False, 0, "Cleared my night"),
    Rsvp("sol", "not going", True),
)


@dataclass(frozen=True)
class Result:
    """A category and who won it."""

    category: str
    winner: str

    @property
    def typed(self) -> str:
        """What a host types to find the category: its first words after "Outstanding"."""
        return " ".join(self.category.removeprefix("Outstanding ").split()[:3])


# Roughly the order of the telecast; every winner is the real one.
SHOW = tuple(
    Result(category, winner)
    for category, winner in (
        ("Outstanding Supporting Actor in a Comedy Series", "Tony Hale"),
        ("Outstanding Writing for a Variety Series", "The Colbert Report"),
        ("Outstanding Supporting Actress in a Comedy Series", "Merritt Wever"),
        ("Outstanding Directing for a Comedy Series", "Gail Mancuso"),
        ("Outstanding Lead Actor in a Comedy Series", "Jim Parsons"),
        ("Outstanding Writing for a Comedy Series", "Tina Fey & Tracey Wigfield"),
        ("Outstanding Directing for a Variety Series", "Don Roy King"),
        ("Outstanding Reality-Competition Program", "The Voice"),
        ("Outstanding Host for a Reality or Reality-Competition Program", "Heidi Klum & Tim Gunn"),
        ("Outstanding Supporting Actor in a Miniseries or a Movie", "James Cromwell"),
        ("Outstanding Supporting Actress in a Miniseries or a Movie", "Ellen Burstyn"),
        ("Outstanding Writing for a Miniseries, Movie or Dramatic Special", "Abi Morgan"),
        ("Outstanding Lead Actress in a Miniseries or a Movie", "Laura Linney"),
        ("Outstanding Directing for a Miniseries, Movie or Dramatic Special", "Steven Soderbergh"),
        ("Outstanding Lead Actor in a Miniseries or a Movie", "Michael Douglas"),
        ("Outstanding Miniseries or Movie", "Behind the Candelabra"),
        ("Outstanding Supporting Actress in a Drama Series", "Anna Gunn"),
        ("Outstanding Supporting Actor in a Drama Series", "Bobby Cannavale"),
        ("Outstanding Writing for a Drama Series", "Henry Bromell"),
        ("Outstanding Directing for a Drama Series", "David Fincher"),
        ("Outstanding Lead Actress in a Comedy Series", "Julia Louis-Dreyfus"),
        ("Outstanding Lead Actor in a Drama Series", "Jeff Daniels"),
        ("Outstanding Variety Series", "The Colbert Report"),
        ("Outstanding Lead Actress in a Drama Series", "Claire Danes"),
        ("Outstanding Comedy Series", "Modern Family"),
        ("Outstanding Drama Series", "Breaking Bad"),
    )
)

# A dozen guests fill in the first page of their ballot before the first envelope is opened.
PREDICTORS = ("alex", "bea", "cam", "dana", "fran", "hana", "jo", "kit", "nia", "omar", "tess", "zoe")


def prediction(predictor: int, category: int, nominees: list[str], winner: str) -> str:
    """Who predictor number `predictor` picks in the page's `category`-th menu: mostly the real winner,
    so that some announcements find many who guessed and some find few."""
    if (predictor + category) % 3 and (predictor * category) % 5 != 1:
        return winner
    others = [n for n in nominees if n != winner]
    return others[(predictor + category) % len(others)]


# The wrong envelope: this category is first announced for the wrong nominee, then corrected.
WRONG_ENVELOPE = ("Outstanding Supporting Actress in a Comedy Series", "Jane Krakowski")
WRONG_ENVELOPE_REASON = "Wrong envelope: that card was for the rehearsal"


@dataclass(frozen=True)
class Pledge:
    """A pledge made once `after` results are announced (0: before the show starts)."""

    who: str
    amount: str
    after: int
    anonymous: bool = False
    note: str | None = None


PLEDGES = (
    Pledge("alex", "50", 0),
    Pledge("bea", "$100", 0, note="For the kids & the losers <3"),
    Pledge("cam", "$250", 0),
    Pledge("dana", "12.50", 0, note="Veep club whip-round"),
    Pledge("eli", "1e9", 0),  # refused: not an amount the bot accepts
    Pledge("eli", "$100", 0),
    Pledge("fran", "$500", 0, anonymous=True),
    Pledge("jonhamm", "$1,000", 5, note="In free tonight, so here's my cover"),
    Pledge("gus", "75", 5),
    Pledge("hana", "$300", 5),
    Pledge("ivan", "40", 5, note="Sorry I can't make it!"),
    Pledge("uma", "$5,000", 10, anonymous=True, note="From a fellow loser"),
    Pledge("jo", "150", 10),
    Pledge("kit", "60", 10),
    Pledge("lou", "$200", 10, note="Louie was robbed"),
    Pledge("amypoehler", "$2,500", 15),
    Pledge("max", "100", 15),
    Pledge("nia", "$250", 15),
    Pledge("omar", "$500", 15, note="From the cousins"),
    Pledge("lenadunham", "$1,500", 20),
    Pledge("pia", "80", 20, note="Cheering from Toronto"),
    Pledge("quinn", "120", 20),
    Pledge("rafa", "$2,000", 20),
    Pledge("sol", "35", 20),
    Pledge("tess", "$3,000", 24, note="Goal or bust!"),
    Pledge("vic", "$500", 24),
    Pledge("wes", "$250", 24),
    Pledge("zoe", "$1,500", 26, note="Für die Waisen 💛"),
)


@dataclass(frozen=True)
class Payment:
    """Money a host records: after `after` results (0: before the show), or at the door."""

    who: str
    amount: str
    note: str
    after: int


PAYMENTS = (
    Payment("jeffdaniels", "$1,000", "Paid ahead, just in case", 0),
    Payment("bea", "100", "Cash", 0),
    Payment("cam", "$250", "Venmo", 5),
    Payment("jimparsons", "$1,000", "Winner's dues, cash", 6),
    Payment("jonhamm", "$1,000", "Cover, cash", 8),
    Payment("amypoehler", "$2,500", "Check", 16),
    Payment("juliald", "$1,000", "Winner's dues, card", 22),
    Payment("clairedanes", "$1,000", "Winner's dues, check", 25),
    Payment("tess", "$3,000", "Bank transfer", 26),
)
# Waived once his result is in: the hosts let him off his dues.
WAIVED = ("tonyhale", 2)

# At the door, after the show: a loser, winners paid and waived, an unpaid winner who then pays.
DOOR = ("jonhamm", "jimparsons", "tonyhale", "annagunn")
PAID_AT_DOOR = Payment("annagunn", "$1,000", "Winner's dues, at the door", 26)
WALK_INS = ("alex", "cam", "dana", "fran", "hana", "jo", "kit", "bea", "louisck", "elisabethmoss")
