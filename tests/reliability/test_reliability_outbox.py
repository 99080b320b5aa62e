"""Posts the bot decided on survive kill -9: the announcement, the milestones and the wrap-up are each
stored with their decision, and after a restart each appears exactly once.

The bot runs as `python bot.py` (a child process) so that SIGKILL stops it with no clean-up. A restarted
bot treats each channel's first five seconds as spent (its predecessor may have used the budget), which
holds the post in the pacer while the host is already answered: the kill lands after the
acknowledgement and before the post, the window the outbox exists for.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reliability_kit import read_rows

from offline.runner import BotProcess
from sandbox import MANAGE_GUILD, Channel, DiscordSandbox, Member, Message

POSTED_ROWS = "SELECT kind, delivered_at IS NOT NULL, message_id FROM outbox ORDER BY id"


def posts(sb: DiscordSandbox, channel: Channel, marker: str) -> list[Message]:
    return [
        m for m in sb.messages(channel, ephemeral=False)
        if marker in m.content or any(marker in (e.get("title") or "") for e in m.embeds)
    ]


async def restart_and_wait(bot: BotProcess, sb: DiscordSandbox, channel: Channel, marker: str) -> Message:
    await bot.kill()
    assert posts(sb, channel, marker) == [], "the kill was meant to land before the post"
    await bot.start()
    shown = await sb.wait_until(lambda: posts(sb, channel, marker), 20, f"the post with {marker!r}")
    return shown[0]


def delivered(database: Path, kind: str) -> list[int]:
    return [row[2] for row in read_rows(database, POSTED_ROWS) if row[0] == kind and row[1]]


async def test_posts_decided_before_a_kill_9_appear_once_after_the_restart(
    sandbox: DiscordSandbox, tmp_path: Path
) -> None:
    sb = sandbox
    guild = sb.add_guild("Lounge")
    channel = sb.add_channel(guild, "watch-party")
    results = sb.add_channel(guild, "results")
    host = sb.add_member(guild, "tina", permissions=MANAGE_GUILD)
    amy = sb.add_member(guild, "amy")
    database = tmp_path / "lounge.db"
    bot = BotProcess(sb, database, tmp_path / "bot.log")
    await bot.start()
    try:
        await play(sb, bot, database, channel, results, host, amy)
    finally:
        # A failed assertion must not leave the child bot running.
        if bot.process is not None and bot.process.returncode is None:
            await bot.kill()
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def play(
    sb: DiscordSandbox, bot: BotProcess, database: Path, channel: Channel, results: Channel,
    host: Member, amy: Member,
) -> None:
    """The night, from the first command to the clean stop."""
    for command, options in (
        ("party create", {"name": "Crash night", "goal": "$100", "announce_channel": results}),
        ("category add", {"name": "Drama", "nominees": "Amy, Zed"}),
        ("party counter", {}),
    ):
        r = await sb.slash(host, channel, command, options=options, timeout=15)
        assert r.error is None and "Something went wrong" not in r.text, (command, r.text)

    # An announcement: acknowledged ("Announced"), then the bot dies before the post.
    await bot.kill()
    await bot.start()
    category = read_rows(database, "SELECT id FROM categories")[0][0]
    winner = read_rows(database, "SELECT id FROM nominees WHERE name = 'Amy'")[0][0]
    r = await sb.slash(
        host, channel, "result announce", category=str(category), winner=str(winner), timeout=15
    )
    assert r.error is None and r.content.startswith("Announced: **Amy** wins Drama."), r.text
    announcement = await restart_and_wait(bot, sb, results, "Drama")
    assert "Amy" in announcement.embeds[0]["description"]

    # A pledge crossing three milestones at once: thanked, then the bot dies.
    await bot.kill()
    await bot.start()
    r = await sb.slash(amy, channel, "pledge", amount="80", timeout=15)
    assert r.error is None and r.content.startswith("Thank you!"), r.text
    milestone = await restart_and_wait(bot, sb, channel, "🎉")
    assert "75% of the goal" in milestone.content

    # The close: the host is told it is closed, then the bot dies before the wrap-up.
    await bot.kill()
    await bot.start()
    r = await sb.slash(host, channel, "party close", timeout=15)
    assert r.error is None and r.content.startswith("The party is closed"), r.text
    wrapup = await restart_and_wait(bot, sb, results, "That's a wrap")
    assert wrapup.attachments and wrapup.attachments[0].filename.endswith(".png")

    # Once every row is delivered, each post is there once, and its message id is recorded.
    await sb.wait_until(
        lambda: all(row[1] for row in read_rows(database, POSTED_ROWS)), 20, "every outbox row delivered"
    )
    assert await bot.stop() == 0
    assert delivered(database, "announcement") == [announcement.id]
    assert delivered(database, "milestone") == [milestone.id]
    assert delivered(database, "wrap-up") == [wrapup.id]
    assert len(posts(sb, results, "Drama")) == 1
    assert len(posts(sb, channel, "🎉")) == 1
    assert len(posts(sb, results, "That's a wrap")) == 1
    assert sb.rate_limited == []
    assert "Traceback" not in bot.log_text()
