"""`make demo`: the whole night plays with the real bot offline, and its figures are the database's."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import struct
from pathlib import Path

from demo.markup import Names, to_html, to_plain
from demo.night import NightReport, play
from demo.transcript import Console
from offline.chromium import find_chromium

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def stored(database: Path) -> dict[str, int]:
    """The night's figures counted straight from the file, with this test's own queries."""
    db = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        [(party_id,)] = db.execute("SELECT id FROM parties").fetchall()
        one = (party_id,)
        live = dict(
            db.execute(
                "SELECT category_id, nominee_id FROM results WHERE party_id = ? AND undone_at IS NULL", one
            ).fetchall()
        )
        person = {
            nominee_id: f"m{member_id}" if member_id is not None else f"n{key}"
            for nominee_id, member_id, key, category_id in db.execute(
                "SELECT n.id, n.member_id, n.name_key, n.category_id FROM nominees n "
                "JOIN categories c ON c.id = n.category_id WHERE c.party_id = ?",
                one,
            )
            if category_id in live
        }
        winners = {person[nominee_id] for nominee_id in live.values()}
        return {
            # Raised: standing pledges plus winners' dues not waived (nobody in the demo overpays).
            "raised": db.execute(
                "SELECT (SELECT sum(amount_cents) FROM pledges WHERE party_id = ?1 AND cancelled_at IS NULL "
                "AND voided_at IS NULL) + (SELECT coalesce(sum(amount_cents), 0) FROM dues "
                "WHERE party_id = ?1 AND status IN ('owed', 'paid'))",
                one,
            ).fetchone()[0],
            "received": db.execute(
                "SELECT sum(amount_cents) FROM payments WHERE party_id = ? AND voided_at IS NULL", one
            ).fetchone()[0],
            "announced": len(live),
            "winners": len(winners),
            "losers": len(set(person.values()) - winners),
            "undone": db.execute(
                "SELECT count(*) FROM results WHERE party_id = ? AND undone_at IS NOT NULL", one
            ).fetchone()[0],
            "closed": db.execute("SELECT closed_at IS NOT NULL FROM parties").fetchone()[0],
        }
    finally:
        db.close()


def money(cents: int) -> str:
    dollars, rest = divmod(cents, 100)
    return f"${dollars:,}" if rest == 0 else f"${dollars:,}.{rest:02d}"


async def test_the_demo_plays_the_night_and_its_figures_are_the_databases(tmp_path: Path) -> None:
    printed = io.StringIO()
    report: NightReport = await play(tmp_path / "night", Console(printed))
    text = printed.getvalue()

    assert report.problems == (), report.problems
    assert report.rate_limited == (), report.rate_limited
    assert report.disagreements == (), report.disagreements

    db = stored(report.database)
    figures, posted = report.figures, report.posted
    assert db["closed"] == 1 and db["undone"] == 1  # the wrong envelope, corrected
    assert db["announced"] == figures.announced == posted.announced == 26
    assert db["raised"] == figures.raised_cents == posted.raised_cents
    assert db["received"] == figures.received_cents == posted.received_cents
    assert db["winners"] == figures.winners == posted.winners
    assert db["losers"] == figures.losers == posted.losers
    assert db["losers"] / db["winners"] > 4

    # What the terminal printed at the end is the database's word too.
    assert re.search(rf"Raised\s+{re.escape(money(db['raised']))} in pledges and winners' dues", text), (
        text[-2000:]
    )
    assert re.search(rf"Received\s+{re.escape(money(db['received']))}\n", text)
    assert re.search(rf"Winners\s+{db['winners']}\n", text)
    ratio = db["losers"] / db["winners"]
    assert re.search(rf"Losers\s+{db['losers']}: {ratio:.1f} losers to every winner", text)
    assert f"Passed over  {figures.leaders[0].name} passed over" in text
    assert "states the same figures as the database" in text
    # The night as a transcript: commands, the bot's answers, its posts and the counter's edits.
    assert "Nora › /party create" in text and "clicked “Going” on the invitation" in text
    assert "Theo › /void pledge" in text  # the troll's million, corrected
    assert "edited “Losers Lounge: 65th Emmys: the fundraiser”" in text
    assert "Goal reached!" in text
    # An hour before the show, one reminder: a DM to each guest going or maybe, and one mention in
    # #results for the guest whose DMs are closed, pinging her alone.
    reminders = re.findall(r"^.*reminder: Losers Lounge: 65th Emmys starts .*$", text, re.M)
    assert len(reminders) == 2, reminders
    assert "#DM with Alex" in reminders[0] and "#results" in reminders[1]
    assert "@Kit reminder:" in reminders[1] and " ago " not in reminders[1]  # told before the start
    db_file = sqlite3.connect(report.database)
    try:
        decided = db_file.execute("SELECT minutes_before, outcome FROM reminders ORDER BY due_at").fetchall()
    finally:
        db_file.close()
    assert decided == [(1440, "skipped"), (60, "sent")]
    # A dozen guests predicted: each announcement's count is the database's, and so is the toast.
    counts = [tuple(map(int, m)) for m in re.findall(r"Predictions: (\d+) of (\d+) guessed", text)]
    db_file = sqlite3.connect(report.database)
    try:
        right, predicted, top = db_file.execute(
            "SELECT sum(p.nominee_id = r.nominee_id), count(*), "
            "(SELECT display_name FROM predictions q JOIN results s ON s.category_id = q.category_id "
            " AND s.undone_at IS NULL AND s.nominee_id = q.nominee_id "
            " GROUP BY q.user_id ORDER BY count(*) DESC, max(q.picked_at) LIMIT 1) "
            "FROM predictions p JOIN results r ON r.category_id = p.category_id AND r.undone_at IS NULL"
        ).fetchone()
    finally:
        db_file.close()
    assert counts and all(of == 12 for _, of in counts)
    assert (sum(n for n, _ in counts), sum(of for _, of in counts)) == (right, predicted)
    assert f"Best predictor: @{top} with" in text

    assert report.chart.read_bytes().startswith(PNG_SIGNATURE)
    page = report.transcript.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "<h1>Losers Lounge: 65th Emmys</h1>" in page
    assert f'<img src="{report.chart.name}"' in page
    # A guest's note with tags in it is shown as text, never as markup.
    assert "&lt;b&gt;cheers&lt;/b&gt;" in page and "<b>cheers" not in page
    # Buttons and page controls are drawn under their messages, as a member sees them.
    assert '<span class="button success">Going</span>' in page
    assert '<span class="button danger">Can&#x27;t go</span>' in page
    assert '<span class="button secondary">Next</span>' in page
    assert "[Going] [Maybe] [Can't go]" in text
    # The story's clock, not the real one: the party is ahead at set-up, guests arrive in the evening,
    # and an edit that changed nothing visible is not told.
    assert "in 6 days" in page or "in 7 days" in page
    assert re.search(r"arrived at <span class=\"mention\">(8|9):\d\d PM</span>", page)
    assert "<span class=\"meta\">Sun 5:0" in page
    assert "no visible change" not in text and "no visible change" not in page
    assert {path.name.split("-", 2)[-1] for path in report.exports} == {
        "guests.csv", "money.csv", "results.csv", "predictions.csv", "totals.csv", "log.csv",
    }
    assert str(report.transcript) in text and str(report.chart) in text

    # The big screen at the end of the night, next to the transcript (CI always has Chromium).
    if find_chromium() is not None or os.environ.get("CI"):
        assert report.screen is not None and report.screen.parent == report.transcript.parent
        png = report.screen.read_bytes()
        assert png.startswith(PNG_SIGNATURE)
        assert struct.unpack(">II", png[16:24]) == (1920, 1080)
        assert str(report.screen) in text


def test_discord_markup_reads_as_a_member_would_see_it() -> None:
    names = Names(users={1: "Nora"}, roles={2: "Lounge hosts"}, channels={3: "results"},
                  timezone="America/Los_Angeles")
    text = "**Won** by <@1> (<@&2>) in <#3> at <t:1379905200:F>, until <t:1379925000:t>"
    assert to_plain(text, names) == (
        "Won by @Nora (@Lounge hosts) in #results at Sunday, September 22, 2013 8:00 PM, until 1:30 AM"
    )
    html = to_html("**<script>** & <@9> \\*not bold\\*", names)
    assert html.startswith("<strong>&lt;script&gt;</strong> &amp; ")
    assert "@unknown-user" in html and "*not bold*" in html
