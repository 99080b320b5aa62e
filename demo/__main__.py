"""`python -m demo`: a whole Losers Lounge night with the real bot, offline, in about a minute.

No token and no network: the bot runs against the local Discord-compatible server on 127.0.0.1 with a
fresh SQLite file. `--fast` (the default when the CI variable is set) plays it as fast as the bot's
channel pacing allows; `--pace` sets the seconds between steps for watching.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from demo.night import play
from demo.stage import DemoError
from demo.transcript import Console

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = PROJECT_DIR / "demo-output"
WATCHABLE_PACE = 0.4


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demo", description="Play a Losers Lounge night with the real bot, offline."
    )
    speed = parser.add_mutually_exclusive_group()
    speed.add_argument(
        "--fast", action="store_true", default=None, help="no pauses (the default when CI is set)"
    )
    speed.add_argument(
        "--pace", type=float, metavar="SECONDS", help=f"seconds between steps (default {WATCHABLE_PACE})"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, metavar="DIR",
        help="folder for the transcript, the chart, the export and the database (default: demo-output/)",
    )
    arguments = parser.parse_args(argv)
    if arguments.pace is not None and arguments.pace < 0:
        parser.error("--pace must be 0 or more seconds")
    return arguments


def _pace(arguments: argparse.Namespace) -> float:
    if arguments.pace is not None:
        return float(arguments.pace)
    if arguments.fast or os.environ.get("CI"):
        return 0.0
    return WATCHABLE_PACE


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    terminal = sys.stdout.isatty()
    console = Console(sys.stdout, color=terminal and not os.environ.get("NO_COLOR"), live=terminal)
    try:
        report = asyncio.run(play(arguments.output, console, pace=_pace(arguments)))
    except DemoError as exc:
        console.finish()
        console.say(f"The demo could not go on: {exc}")
        return 2
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
