"""Start, stop, restart and kill the real bot against a `DiscordSandbox`.

`InProcessBot` runs `LoungeBot` in the caller's event loop (fast, and its storage is at hand);
`BotProcess` runs `python bot.py` as a child process exactly as a user would, which is what a
`kill -9` test needs. Both use a real SQLite file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from live.pacer import ChannelPacer
from lounge.client import LoungeBot, use_discord_endpoints
from lounge.settings import WebSettings
from sandbox import DiscordSandbox
from storage import Storage

PROJECT_DIR = Path(__file__).resolve().parent.parent


async def _wait_disconnected(sandbox: DiscordSandbox, timeout: float) -> None:
    await sandbox.wait_until(
        lambda: not sandbox.gateway.live_sessions, timeout, "the old bot connection to close"
    )


class InProcessBot:
    """The bot in this event loop. `store` is its live storage, for checking what it kept.

    Its live screen listens on a free port of 127.0.0.1 (`web_url`); a restart takes the same port again,
    as a real bot's fixed WEB_PORT would, so open pages can reconnect.
    """

    def __init__(
        self,
        sandbox: DiscordSandbox,
        database_path: Path,
        *,
        dev_guild_id: int | None = None,
        web: bool = True,
    ) -> None:
        self.sandbox = sandbox
        self.database_path = database_path
        self.dev_guild_id = dev_guild_id
        self.web = WebSettings(host="127.0.0.1", port=0) if web else None
        self.bot: LoungeBot | None = None
        self.store: Storage | None = None
        self._task: asyncio.Task[None] | None = None
        self._started_before = False

    async def start(self, timeout: float = 15.0) -> None:
        use_discord_endpoints(self.sandbox.api_base, self.sandbox.gateway_url)
        self.store = await Storage.open(self.database_path, migrate=False)
        # Only the first start meets a server nobody has written to; a restart inherits a spent budget.
        pacer = ChannelPacer(fresh_start=not self._started_before)
        self._started_before = True
        self.bot = LoungeBot(self.store, dev_guild_id=self.dev_guild_id, pacer=pacer, web=self.web)
        self._task = asyncio.create_task(self.bot.start(self.sandbox.token), name="lounge-bot")
        ready = asyncio.create_task(self.sandbox.wait_until_ready(timeout))
        await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            ready.cancel()
            self._task.result()  # raises what stopped the bot
            raise RuntimeError("the bot stopped before it was ready")
        await ready
        if self.bot.screen is not None and self.web is not None:
            self.web = WebSettings(host=self.web.host, port=self.bot.screen.port or 0)

    @property
    def web_url(self) -> str:
        """Where the running bot's live screen answers, like http://127.0.0.1:41234."""
        assert self.bot is not None and self.bot.screen is not None, "the bot runs without its screen"
        return self.bot.screen.base_url

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self.store is not None:
            await self.store.close()
        self.bot = self.store = self._task = None
        await _wait_disconnected(self.sandbox, 10.0)

    async def restart(self) -> None:
        await self.stop()
        await self.start()


class BotProcess:
    """`python bot.py` as a child process with the sandbox's settings; its stderr goes to `log_path`."""

    def __init__(
        self,
        sandbox: DiscordSandbox,
        database_path: Path,
        log_path: Path,
        *,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.database_path = database_path
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.process: asyncio.subprocess.Process | None = None

    def environment(self) -> dict[str, str]:
        # Every setting is given explicitly (empty when unused) so a developer's own .env never leaks in.
        env = {**os.environ, **dict.fromkeys(_BOT_SETTINGS, ""), "LOG_LEVEL": "INFO"}
        env.update(self.sandbox.env)
        env["DATABASE_PATH"] = str(self.database_path)
        # Any free port: other runs on this machine may hold the default one.
        env["WEB_HOST"] = "127.0.0.1"
        env["WEB_PORT"] = "0"
        env.update(self.extra_env)
        return env

    async def start(self, *, wait_ready: bool = True, timeout: float = 20.0) -> None:
        log = self.log_path.open("ab")
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, str(PROJECT_DIR / "bot.py"),
                cwd=PROJECT_DIR, env=self.environment(),
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )
        finally:
            log.close()
        if wait_ready:
            await self.sandbox.wait_until(
                lambda: bool(self.sandbox.gateway.live_sessions) or self.process.returncode is not None,
                timeout, "the bot process to connect",
            )
            if self.process.returncode is not None:
                code = self.process.returncode
                raise RuntimeError(f"the bot exited with {code}: {self.log_text()[-2000:]}")

    async def kill(self) -> None:
        """kill -9: no clean-up of any kind runs in the bot."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        await _wait_disconnected(self.sandbox, 10.0)

    async def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, as a service manager would; returns the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), timeout)
        await _wait_disconnected(self.sandbox, 10.0)
        return code

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


# Settings the child must take from the sandbox, never from the developer's own environment.
_BOT_SETTINGS = {
    "DISCORD_TOKEN", "DATABASE_PATH", "LOG_LEVEL", "DEV_GUILD_ID", "DISCORD_API_BASE", "DISCORD_GATEWAY_URL",
    "WEB_HOST", "WEB_PORT", "PUBLIC_URL",
    "BACKUP_TO",
}
