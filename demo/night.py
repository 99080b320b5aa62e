"""Plays the whole night: a fresh sandbox and database, the real bot, the script, then the figures.

`play()` is what `python -m demo` and the demo's test run. It starts the local Discord-compatible server
(with its real rate limits), builds the server and its members, runs the bot in this event loop against
a fresh SQLite file, plays the night while the terminal shows it, stops the bot, reads the figures back
from the database and compares them with the wrap-up the bot posted, and writes the chart, the
transcript page, a screenshot of the live screen (headless Chromium, when installed) and the host's
export files to the output folder.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

from demo.figures import (
    NightFigures,
    PostedFigures,
    disagreements,
    dues_text,
    money_text,
    posted_figures,
    read_figures,
)
from demo.html_page import transcript_page
from demo.progress import Progress
from demo.screenshot import save_screen
from demo.script import Finale, play_night
from demo.stage import Stage
from demo.story import StoryClock
from demo.transcript import Console, Transcript
from demo.watcher import ChannelWatcher
from offline.runner import InProcessBot
from sandbox import DiscordSandbox, RateLimitRecord
from storage.clock import use_clock

DATABASE = "lounge.db"
TRANSCRIPT = "transcript.html"


@dataclass(frozen=True)
class NightReport:
    """What the night left behind, and whether the bot's word and the database agree."""

    figures: NightFigures
    posted: PostedFigures
    disagreements: tuple[str, ...]
    database: Path
    transcript: Path
    chart: Path
    exports: tuple[Path, ...]
    seconds: float
    requests: int
    rate_limited: tuple[RateLimitRecord, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    # The live screen at the end of the night (None without Chromium; a warning says so).
    screen: Path | None = None

    @property
    def ok(self) -> bool:
        return not (self.disagreements or self.rate_limited or self.problems)


class _Warnings(logging.Handler):
    """Keeps what the bot logs at WARNING and above, to report after the night instead of mid-transcript."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")


def _fresh_database(output: Path) -> Path:
    """The output folder made ready, without the database of an earlier night."""
    output.mkdir(parents=True, exist_ok=True)
    database = output / DATABASE
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


async def play(output: Path, console: Console, *, pace: float = 0.0) -> NightReport:
    """Plays the night into `output` (created if missing); the console shows it as it happens and ends
    with the figures read back from the database."""
    database = _fresh_database(output)
    started = time.monotonic()
    warnings = _Warnings()
    root = logging.getLogger()
    root.addHandler(warnings)
    clock = StoryClock()
    use_clock(clock.now)
    try:
        async with DiscordSandbox() as sb:
            stage = Stage(sb, pace)
            transcript = Transcript(stage.names, console, clock=clock.now)
            stage.transcript = transcript
            watcher = ChannelWatcher(sb, stage.channels, transcript)
            runner = InProcessBot(sb, database)
            await runner.start()
            watcher.start()
            try:
                finale = await play_night(stage, Progress(console, clock))
                screen, no_screen = await save_screen(runner, stage.guild.id, output)
            finally:
                try:
                    await runner.stop()
                finally:
                    # After the bot stopped: whatever it wrote last is in the transcript too.
                    await watcher.stop()
                    console.finish()
            requests = len(sb.requests)
            rate_limited = tuple(sb.rate_limited)
            problems = tuple(stage.problems)
    finally:
        use_clock(None)
        root.removeHandler(warnings)
    report = _wrap_up(
        output, database, finale, transcript, stage, started, requests, rate_limited, problems,
        tuple(warnings.lines) + ((no_screen,) if no_screen else ()),
    )
    report = replace(report, screen=screen)
    console.say()
    for line in summary_lines(report):
        console.say(line)
    return report


def _wrap_up(
    output: Path,
    database: Path,
    finale: Finale,
    transcript: Transcript,
    stage: Stage,
    started: float,
    requests: int,
    rate_limited: tuple[RateLimitRecord, ...],
    problems: tuple[str, ...],
    warnings: tuple[str, ...],
) -> NightReport:
    figures = read_figures(database)
    posted = posted_figures(finale.wrapup.embeds[0])
    [chart_file] = finale.wrapup.attachments
    chart = output / chart_file.filename
    chart.write_bytes(chart_file.data)
    exports = []
    for attachment in finale.exports:
        path = output / attachment.filename
        path.write_bytes(attachment.data)
        exports.append(path)
    page = output / TRANSCRIPT
    page.write_text(
        transcript_page(figures.party, transcript.entries, stage.names, figures, {chart.name: chart.name}),
        encoding="utf-8",
    )
    return NightReport(
        figures=figures,
        posted=posted,
        disagreements=tuple(disagreements(figures, posted)),
        database=database,
        transcript=page,
        chart=chart,
        exports=tuple(exports),
        seconds=time.monotonic() - started,
        requests=requests,
        rate_limited=rate_limited,
        problems=problems,
        warnings=warnings,
    )


def summary_lines(report: NightReport) -> list[str]:
    """The closing figures for the terminal, read back from the database."""
    f = report.figures
    goal = ""
    if f.goal_cents:
        goal = f" ({f.raised_cents * 100 // f.goal_cents}% of the {money_text(f.goal_cents)} goal)"
    leaders = "; ".join(
        f"{leader.name} passed over {leader.times} times in {leader.categories} categories"
        for leader in f.leaders
    )
    lines = [
        f"The night in figures, read back from {report.database}:",
        f"  Raised       {money_text(f.raised_cents)} in pledges and winners' dues, {f.donors} donors{goal}",
        f"  Received     {money_text(f.received_cents)}",
        f"  Results      {f.announced} of {f.categories} categories announced",
        f"  Winners      {f.winners}",
        f"  Losers       {f.losers}: {f.ratio:.1f} losers to every winner",
        f"  Dues         {dues_text(f)}",
        f"  Door         {f.arrivals} checked in; {f.going_heads} going with plus-ones",
        f"  Passed over  {leaders or 'nobody'}",
    ]
    if report.disagreements:
        lines.append("✗ The bot's wrap-up and the database disagree:")
        lines.extend(f"    {line}" for line in report.disagreements)
    else:
        lines.append("✓ The wrap-up the bot posted states the same figures as the database.")
    lines.append(
        f"The night took {report.seconds:.1f} s: {report.requests} requests to the local Discord, "
        f"{len(report.rate_limited)} rate-limited."
    )
    lines.extend(f"⚠ No answer: {problem}" for problem in report.problems)
    lines.extend(f"⚠ The bot logged: {warning}" for warning in report.warnings)
    lines.append("Written:")
    lines.extend(
        f"  {path}"
        for path in (report.transcript, report.screen, report.chart, report.database, *report.exports)
        if path is not None
    )
    return lines
