"""Rules for free text users type: names, notes, nominees.

Owns cleaning (invisible and control characters, whitespace, length limits), the matching key that
treats "Jane Doe" and "jane  doe" as one nominee, defusing of mentions, `inert` (the one way user text
enters any message the bot sends) and the short excerpt used when a reply quotes the user's own input.
"""

import functools
import re
import unicodedata

from rules.errors import EmptyName, NameTooLong, NoteTooLong

ZERO_WIDTH_SPACE = "\u200b"

# Format characters (category Cf) are invisible; most only serve to spoof or blank a name. These
# few carry meaning and stay: ZWNJ/ZWJ shape Persian and Indic script and join emoji sequences
# (👨‍👩‍👧), and tag characters spell subdivision flags (🏴 of Scotland).
_KEPT_FORMAT = {"\u200c", "\u200d"}
_TAG_RANGE = range(0xE0020, 0xE0080)

# Letters and symbols that render as nothing; Discord users use them to make "blank" names.
_BLANK_GLYPHS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}

# Categories that, on their own, leave nothing a reader can see.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp"}

_EVERYONE_OR_HERE = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
_USER_OR_ROLE_MENTION = re.compile(r"<(?=@[!&]?\d+>)")

# What Discord's Markdown gives a meaning to anywhere in a line: emphasis, spoilers, code, masked links
# ([text](url)), and <...> (links without preview, timestamps, channel and command mentions).
_MARKDOWN = re.compile(r"([\\*_~`|\[\]<])")
# ...and only at the start of a line: quotes, headings, subtext (-#) and lists ("- ", "1. ").
_LINE_START = re.compile(r"^(\s*)([->#+]|\d+(?=\.(?:\s|$)))", re.MULTILINE)


def _drop_invisible(text: str) -> str:
    kept = []
    for ch in text:
        if ch.isspace():
            kept.append(ch)
            continue
        category = unicodedata.category(ch)
        if category == "Cc" or ch in _BLANK_GLYPHS:
            continue
        if category == "Cf" and ch not in _KEPT_FORMAT and ord(ch) not in _TAG_RANGE:
            continue
        kept.append(ch)
    return "".join(kept)


def _tidy(text: str) -> str:
    # str.split() with no argument splits on every Unicode whitespace, newlines included.
    return " ".join(_drop_invisible(text).split())


def _has_visible(text: str) -> bool:
    return any(unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text)


def clean_name(text: str, *, what: str = "name", max_length: int = 100) -> str:
    """Return ``text`` tidied for use as a name, or refuse it.

    Strips the ends, collapses whitespace runs (newlines too) to one space and removes control and
    invisible characters; letters of every script and emoji are kept. ``what`` names the field in
    the refusal ("category name", "nominee").
    """
    cleaned = _tidy(text)
    if not _has_visible(cleaned):
        raise EmptyName(what)
    if len(cleaned) > max_length:
        raise NameTooLong(what, len(cleaned), max_length)
    return cleaned


def clean_note(text: str | None, *, max_length: int = 200) -> str | None:
    """Return ``text`` tidied like a name, or ``None`` when nothing visible is left."""
    if text is None:
        return None
    cleaned = _tidy(text)
    if not _has_visible(cleaned):
        return None
    if len(cleaned) > max_length:
        raise NoteTooLong(len(cleaned), max_length)
    return cleaned


def defuse_mentions(text: str) -> str:
    """Return ``text`` changed so that it cannot ping anyone.

    The real guard is sending every message with ``AllowedMentions.none()`` (or an explicit
    allow-list); this is belt and braces for a message that forgets it. A zero-width space goes
    after the "@" of @everyone/@here and after the "<" of ``<@id>``, ``<@!id>`` and ``<@&id>``, so
    the text still reads the same. Applying it twice changes nothing more.
    """
    text = _EVERYONE_OR_HERE.sub("@" + ZERO_WIDTH_SPACE, text)
    return _USER_OR_ROLE_MENTION.sub("<" + ZERO_WIDTH_SPACE, text)


def _escape_line_start(mark: str) -> str:
    # "1. " is escaped at its dot, which the match stops before.
    return mark + "\\" if mark[0].isdigit() else "\\" + mark


# Names repeat on every list and refresh (the guest list escapes every guest's name each time it is shown):
# the same text always comes out the same, so the answers are remembered.
@functools.lru_cache(maxsize=4096)
def inert(text: str) -> str:
    """Return user text that reads exactly as typed in any message: no formatting, no masked link, no ping.

    Every name, note, nominee, reason, venue and charity goes through this on its way into message
    content or an embed (not into plain-text places such as button labels, footers or autocomplete,
    which would show the backslashes). Apply it once: escaping escaped text shows the escapes.
    """
    escaped = _MARKDOWN.sub(r"\\\1", text)
    escaped = _LINE_START.sub(lambda m: m[1] + _escape_line_start(m[2]), escaped)
    return defuse_mentions(escaped)


def name_key(name: str) -> str:
    """Return the key that matches unlinked nominees across categories and parties.

    The spec matches nominees "by name, case- and space-insensitively"; NFKC also folds look-alike
    forms (full-width letters, ligatures) so "Ｊａｎｅ" and "jane" are one person.
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    squeezed = "".join(_drop_invisible(folded).split())
    # Normalise again last: casefolding and dropping a space can leave a combining mark that now
    # composes with the letter before it ("A ́" → "á").
    return unicodedata.normalize("NFKC", squeezed)


def excerpt(text: str, limit: int = 40) -> str:
    """Return the user's input shortened and made inert, for quoting it back in a message.

    A 2,000-character input must not make a reply longer than Discord allows, nor ping anyone, nor
    render as Markdown.
    """
    tidy = _tidy(text)
    if len(tidy) > limit:
        tidy = tidy[: limit - 1].rstrip() + "…"
    return inert(tidy)
