"""`python -m benchmarks` (`make bench`): the bot under load, after a restart with 100,000 pledges, and the
raw SQLite ceiling, printed as one table with a verdict on each target. See BENCHMARKS.md.

Everything runs on 127.0.0.1 against the sandbox, in a temporary folder, bounded in time and count: the
run takes under three minutes (the screen adds two phases) and exits by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from benchmarks import ceiling, growth, predictions, scene, screen, startup
from benchmarks.load import MIX, PLEDGES_ONLY, LoadGenerator, Phase
from benchmarks.report import growth_table, phase_line, render
from lounge import heap
from sandbox import DiscordSandbox

RUN_TIMEOUT = 420.0
# Back to back is bounded too: no phase sends more than this many interactions.
PHASE_LIMIT = 25_000
AFTER_RESTART_SECONDS = 5.0


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def bench(args: argparse.Namespace, folder: Path) -> str:
    async with DiscordSandbox() as sb:
        world = await scene.build(sb, folder, args.members)
        if args.growth_only:
            try:
                progress("  reads as the night grows ...")
                return growth_table(await growth.measure(world))
            finally:
                await world.stop_bot()
        try:
            load = LoadGenerator(world)
            phases: list[Phase] = []
            progress(f"  predictions: {args.members} members open their ballots ...")
            await predictions.prepare(world)
            progress(f"  {predictions.PHASE_NAME} for {args.seconds:g} s ...")
            before = predictions.picks_stored(world)
            phases.append(
                await load.run(
                    predictions.PHASE_NAME, predictions.RATE, args.seconds, predictions.PICKS_AND_PLEDGES,
                    limit=PHASE_LIMIT,
                )
            )
            progress("    " + phase_line(phases[-1]))
            progress(f"    ballot rows stored: {predictions.picks_stored(world) - before} new")
            plan: list[tuple[str, float | None, dict[str, int]]] = [
                *((f"mixed {rate}/s", float(rate), MIX) for rate in args.rates),
                ("mixed, back to back", None, MIX),
                ("pledges 500/s", 500.0, PLEDGES_ONLY),
                ("pledges, back to back", None, PLEDGES_ONLY),
            ]
            for name, rate, mix in plan:
                progress(f"  {name} for {args.seconds:g} s ...")
                phases.append(await load.run(name, rate, args.seconds, mix, limit=PHASE_LIMIT))
                progress("    " + phase_line(phases[-1]))
            progress("  reads as the night grows (a second server's party) ...")
            grown = await growth.measure(world)
            progress(growth_table(grown))
            screens = None
            if args.screens > 0:
                progress(f"  pledges {screen.RATE:.0f}/s without, then with {args.screens} screens open ...")
                screens = await screen.measure(world, load, args.seconds, args.screens)
                progress("    " + "; ".join(line.strip() for line in screen.lines(screens)[1:]))
            peak = max(p.peak_memory_mb for p in phases)
            progress(f"  restart with {args.stored:,} pledges stored ...")
            started = await startup.measure(world, args.stored)
            name = f"mixed 200/s, {started.pledges_stored // 1000}k stored"
            progress(f"  {name} for {AFTER_RESTART_SECONDS:g} s ...")
            phases.append(await load.run(name, 200.0, AFTER_RESTART_SECONDS, MIX, limit=PHASE_LIMIT))
            progress("    " + phase_line(phases[-1]))
            rss, restarted_peak = world.bot_memory_mb()
            peak = max(peak, restarted_peak)
        finally:
            await world.stop_bot()
        progress("  raw SQLite ceiling ...")
        limits = await ceiling.measure(folder)
        return render(phases, limits, started, peak, rss, grown, screens)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load phase")
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 200, 500], help="mixed load rates")
    parser.add_argument("--members", type=int, default=200, help="members sending interactions")
    parser.add_argument(
        "--screens", type=int, default=100, help="live screen pages open at once (0: skip their phases)"
    )
    parser.add_argument("--stored", type=int, default=100_000, help="pledges stored for the restart")
    parser.add_argument(
        "--growth-only", action="store_true", help="only the reads at 1,000, 10,000 and 100,000 pledges"
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the database and bot log here")
    args = parser.parse_args()
    if args.keep is not None and (args.keep / "lounge.db").exists():
        parser.error(f"{args.keep} already holds a benchmark's database; pick an empty folder")
    logging.basicConfig(level=logging.WARNING)
    # The sandbox and the load share this process: its own full collections would stall the answers the
    # bot sends it and show up as the bot's latency. The bot process does the same (lounge/heap.py).
    heap.settle()
    with tempfile.TemporaryDirectory(prefix="lounge-bench-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        progress(f"Benchmarking in {folder} (under three minutes)")
        table = asyncio.run(asyncio.wait_for(bench(args, folder), RUN_TIMEOUT))
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
