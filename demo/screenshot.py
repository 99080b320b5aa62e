"""The big screen as the room saw it at the end of the night: a 1920×1080 screenshot from headless
Chromium, saved next to the transcript. Without Chromium on the machine the demo goes on without it."""

from __future__ import annotations

from pathlib import Path

from offline.chromium import BrowserError, Chromium, find_chromium
from offline.runner import InProcessBot

SCREENSHOT = "screen.png"


async def save_screen(runner: InProcessBot, guild_id: int, output: Path) -> tuple[Path | None, str | None]:
    """Saves the screenshot; returns its path, or None and why there is none."""
    if find_chromium() is None:
        return None, "no screenshot of the screen: Chromium is not installed (apt-get install chromium)"
    assert runner.store is not None and runner.bot is not None and runner.bot.screen is not None
    party = await runner.store.parties.latest_party(guild_id)
    if party is None:
        return None, "no screenshot of the screen: the night has no party"
    link = runner.bot.screen.link(await runner.store.screens.link(party.id))
    try:
        async with Chromium.launch(width=1920, height=1080) as browser:
            page = await browser.open(link)
            # The stream's first snapshot has filled the bar: what a TV in the room shows.
            await page.wait_for("document.getElementById('fill').style.width")
            path = output / SCREENSHOT
            path.write_bytes(await page.screenshot())
    except (BrowserError, TimeoutError) as exc:
        return None, f"no screenshot of the screen: {exc or type(exc).__name__}"
    return path, None
