import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import Refusal
from rules.text import clean_name, clean_note, defuse_mentions, excerpt, inert, name_key

ZWSP = "\u200b"


# --- names ---


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("  Outstanding   Drama Series ", "Outstanding Drama Series"),
        ("Jon\tHamm\n", "Jon Hamm"),
        ("Jon\u00a0Hamm", "Jon Hamm"),
        ("Jon\u200bHamm", "JonHamm"),
        ("Bad\x00\x07Name", "BadName"),
        ("\u202eevil", "evil"),
        ("Zoë Bjørk", "Zoë Bjørk"),
        ("🏆 Best Loser 🥂", "🏆 Best Loser 🥂"),
        ("👨‍👩‍👧 family", "👨‍👩‍👧 family"),
        ("שלום עולם", "שלום עולם"),
        ("مرحبا بالعالم", "مرحبا بالعالم"),
        ("می‌خواهم", "می‌خواهم"),
    ],
)
def test_clean_name(text, cleaned):
    assert clean_name(text) == cleaned


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u200b\u200b", "\u3164", "\u2800 \u200d", "\x00"])
def test_empty_name_is_refused(text):
    with pytest.raises(Refusal, match=r"^The nominee can't be empty\.$"):
        clean_name(text, what="nominee")


def test_two_thousand_character_name_is_refused_with_the_limit():
    with pytest.raises(Refusal) as caught:
        clean_name("x" * 2_000, what="category name")
    assert str(caught.value) == "The category name is too long: 2,000 characters, and the most is 100."


def test_name_at_the_limit_is_kept():
    assert clean_name("x" * 100) == "x" * 100
    assert clean_name("  " + "x" * 100 + "  ") == "x" * 100


def test_length_is_counted_after_cleaning():
    assert clean_name("a" + " " * 500 + "b", max_length=3) == "a b"


def test_mentions_are_kept_as_typed_in_names():
    # Stored as typed; defusing happens where text is shown.
    assert clean_name("@everyone") == "@everyone"


@given(st.text())
def test_clean_name_only_refuses_and_gives_tidy_text(text):
    try:
        cleaned = clean_name(text)
    except Refusal:
        return
    assert 1 <= len(cleaned) <= 100
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not re.search(r"[\x00-\x1f\x7f\n\u200b\u202e]", cleaned)
    assert clean_name(cleaned) == cleaned


# --- notes ---


@pytest.mark.parametrize("text", [None, "", "   ", "\n", "\u200b"])
def test_empty_note_is_none(text):
    assert clean_note(text) is None


def test_note_newlines_collapse():
    assert clean_note("bringing\n\nsnacks\r\n ") == "bringing snacks"


def test_long_note_is_refused_with_the_limit():
    with pytest.raises(Refusal, match="the most is 200"):
        clean_note("y" * 2_000)
    assert clean_note("y" * 200) == "y" * 200


def test_everyone_note_is_kept_but_defused_for_display():
    note = clean_note("hey @everyone come")
    assert note == "hey @everyone come"
    assert "@everyone" not in defuse_mentions(note)


# --- mentions ---


@pytest.mark.parametrize(
    ("text", "defused"),
    [
        ("@everyone", f"@{ZWSP}everyone"),
        ("hi @here!", f"hi @{ZWSP}here!"),
        ("@Everyone", f"@{ZWSP}Everyone"),
        ("<@123456789012345678>", f"<{ZWSP}@123456789012345678>"),
        ("<@!123>", f"<{ZWSP}@!123>"),
        ("<@&987>", f"<{ZWSP}@&987>"),
        ("<#123> is a channel", "<#123> is a channel"),
        ("mail me at a@b.c", "mail me at a@b.c"),
        ("plain", "plain"),
    ],
)
def test_defuse_mentions(text, defused):
    assert defuse_mentions(text) == defused


def test_defuse_is_idempotent():
    text = "@everyone @here <@1> <@!2> <@&3>"
    once = defuse_mentions(text)
    assert defuse_mentions(once) == once


_PING = re.compile(r"@(everyone|here)|<@[!&]?\d+>")


_PIECES = ["@", "everyone", "here", "<", ">", "!", "&", "1", " ", "x", ZWSP]


@given(st.lists(st.sampled_from(_PIECES)).map("".join))
def test_defused_text_never_pings(text):
    assert not _PING.search(defuse_mentions(text))


# --- name keys ---


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jane Doe", "jane doe"),
        ("Jane Doe", "  JANE   DOE "),
        ("JaneDoe", "Jane Doe"),
        ("Ｊａｎｅ", "jane"),
        ("Straße", "STRASSE"),
        ("Zoë", "Zoe\u0308"),
    ],
)
def test_name_key_matches(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("a", "b"), [("Jane Doe", "John Doe"), ("Zoë", "Zoe")])
def test_name_key_keeps_different_names_apart(a, b):
    assert name_key(a) != name_key(b)


@given(st.text())
def test_name_key_is_stable(text):
    key = name_key(text)
    assert name_key(key) == key
    assert not any(ch.isspace() for ch in key)


# --- excerpts ---


def test_excerpt_is_short_and_defused():
    text = "@everyone " + "z" * 2_000
    shown = excerpt(text)
    assert len(shown) <= 41
    assert shown.endswith("…")
    assert "@everyone" not in shown


def test_short_excerpt_is_unchanged():
    assert excerpt(" abc ") == "abc"


# --- inert ---


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("[Claim your free drink](https://evil.example/x)", r"\[Claim your free drink\](https://evil.example/x)"),
        ("**BOLD** [x](https://e.x)", r"\*\*BOLD\*\* \[x\](https://e.x)"),
        ("__u__ ~~s~~ ||spoiler|| `code` a\\b", r"\_\_u\_\_ \~\~s\~\~ \|\|spoiler\|\| \`code\` a\\b"),
        ("# Heading", r"\# Heading"),
        ("-# subtext", r"\-# subtext"),
        ("> quote", r"\> quote"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("<t:1700000000:R> <https://e.x>", r"\<t:1700000000:R> \<https://e.x>"),
        # What carries no meaning mid-line reads as typed, without backslashes.
        ("Jean-Luc's Room #5, 12.5 > 3", "Jean-Luc's Room #5, 12.5 > 3"),
        ("Zoë 🏆", "Zoë 🏆"),
    ],
)
def test_inert_escapes_markdown_and_masked_links(typed: str, shown: str) -> None:
    assert inert(typed) == shown


def test_inert_defuses_mentions() -> None:
    assert inert("@everyone @here <@123>") == f"@{ZWSP}everyone @{ZWSP}here \\<{ZWSP}@123>"


@given(st.text(max_size=200))
def test_inert_leaves_no_unescaped_masked_link_or_emphasis(text: str) -> None:
    shown = inert(text)
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", shown)
    assert "**" not in shown
