"""Money rules: amounts users type and amounts the bot shows.

Money is always whole cents in an ``int``; floats never touch it. Owns the one parser for typed
amounts (pledges, payments, winner's donation, goal) and the one formatter for showing them.

Accepted input: ASCII digits with an optional leading "$" (spaces after it are fine), commas only as
proper thousands separators, and at most two decimals: "50", "$1,000", "$ 1000", "12.5", "12.50",
".50" (a user typing ".5" means fifty cents). Refused: zero, signs, exponents, "1." (half-typed),
digits outside ASCII, and anything over the limit.
"""

import re

from rules.errors import AmountOverLimit, NoAmount, NotAnAmount, ZeroAmount

MAX_PLEDGE_CENTS = 100_000_000

_AMOUNT = re.compile(
    r"""
    \$?\s*
    (?P<whole> [1-9][0-9]{0,2}(?:,[0-9]{3})+ | [0-9]+ )?
    (?: \. (?P<fraction> [0-9]{1,2} ) )?
    """,
    re.VERBOSE | re.ASCII,
)

# More whole-dollar digits than any limit could allow; checked before int() so that a
# 5,000-digit input never reaches Python's int-from-string digit cap.
_MAX_WHOLE_DIGITS = 15


def format_cents(cents: int) -> str:
    """Show ``cents`` as dollars: "$20,000", "$12.50", "$0.05"; a negative adjustment as "-$5"."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    if rest:
        return f"{sign}${dollars:,}.{rest:02d}"
    return f"{sign}${dollars:,}"


def parse_amount(text: str, *, limit_cents: int = MAX_PLEDGE_CENTS) -> int:
    """Return the typed amount in cents, or refuse it saying what is accepted."""
    stripped = text.strip()
    if not stripped:
        raise NoAmount(limit_cents)
    match = _AMOUNT.fullmatch(stripped)
    if match is None or (match["whole"] is None and match["fraction"] is None):
        raise NotAnAmount(stripped, limit_cents)

    whole = (match["whole"] or "0").replace(",", "").lstrip("0") or "0"
    if len(whole) > _MAX_WHOLE_DIGITS:
        raise AmountOverLimit(None, limit_cents)
    # "12.5" is twelve dollars fifty, not five cents.
    cents = int(whole) * 100 + int((match["fraction"] or "0").ljust(2, "0"))

    if cents == 0:
        raise ZeroAmount(limit_cents)
    if cents > limit_cents:
        raise AmountOverLimit(cents, limit_cents)
    return cents
