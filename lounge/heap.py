"""The garbage collector's settings for the bot process, made once everything it starts with is loaded.

Every interaction leaves cyclic garbage behind (a view and its buttons refer to each other, and so do
discord.py's interaction and response objects). With CPython's defaults a collection of the young
generation runs every 700 allocations, while an interaction is still being answered, so that garbage
survives into the older generations and is only freed by full collections: timers in the bot under
`make bench` measured them at 34-157 ms each, several a second under load, every one of them stopping
the event loop. A larger young generation lets an interaction finish before its objects are looked at,
so they die young; freezing what exists at start-up (modules, classes, commands: some 70,000 objects)
keeps it out of every collection. BENCHMARKS.md has the before and after.
"""

from __future__ import annotations

import gc

# The values measured (CPython's defaults are 700, 10, 10). Young: allocations between young collections,
# some hundred interactions' worth under load. Middle: young collections between middle ones.
YOUNG_THRESHOLD = 20_000
MIDDLE_THRESHOLD = 20
OLD_THRESHOLD = 10


def settle() -> None:
    """Freezes what the process holds now and sets the thresholds; call once, after the imports."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
