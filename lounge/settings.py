"""Settings from the environment or a `.env` file (the environment wins), checked once at start-up."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = PROJECT_DIR / "data" / "lounge.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_WEB_HOST = "127.0.0.1"
DEFAULT_WEB_PORT = 8080


class SettingsError(Exception):
    """A setting is missing or wrong; the message is the one line the user reads."""


class Secret:
    """A string that never shows itself in a repr, a log line or a traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__


@dataclass(frozen=True)
class WebSettings:
    """Where the live screen listens (port 0: any free port) and, behind a proxy, the address people open."""

    host: str = DEFAULT_WEB_HOST
    port: int = DEFAULT_WEB_PORT
    public_url: str | None = None


@dataclass(frozen=True)
class Settings:
    token: Secret | None
    database_path: Path
    log_level: str
    dev_guild_id: int | None
    api_base: str | None
    gateway_url: str | None
    web: WebSettings | None
    # As typed: a trailing slash says it is a folder even before the folder exists.
    backup_to: str | None = None

    def require_token(self) -> Secret:
        if self.token is None:
            raise SettingsError(
                "DISCORD_TOKEN is not set. Put your bot's token in .env (copy .env.example; the token is "
                "under Bot → Reset Token in the Discord Developer Portal), or try `make demo` to see the "
                "bot offline."
            )
        return self.token


# Every setting, with what `python bot.py --help` says about it.
SETTINGS_HELP: tuple[tuple[str, str], ...] = (
    ("DISCORD_TOKEN", "the bot's token (Developer Portal → your application → Bot → Reset Token); required"),
    ("DATABASE_PATH", "the SQLite file, created with its folder if missing (default: data/lounge.db)"),
    ("LOG_LEVEL", f"{', '.join(LOG_LEVELS)} (default: INFO)"),
    ("DEV_GUILD_ID", "a server id to sync commands to instantly while developing (default: global sync)"),
    ("DISCORD_API_BASE", "a Discord-compatible REST API to use instead of Discord's (a proxy, the sandbox)"),
    ("DISCORD_GATEWAY_URL", "the matching gateway WebSocket URL"),
    ("WEB_HOST", f"the address the live screen listens on (default: {DEFAULT_WEB_HOST})"),
    ("WEB_PORT", f"its port; off turns the screen off, 0 takes any free port (default: {DEFAULT_WEB_PORT})"),
    ("PUBLIC_URL", "the address people open, when the bot sits behind a reverse proxy"),
    ("BACKUP_TO", "where --backup (make backup) writes: a file, or a folder (default: backups/)"),
)


def _read_values(environ: Mapping[str, str] | None, env_file: Path | None) -> dict[str, str]:
    environ = os.environ if environ is None else environ
    env_file = PROJECT_DIR / ".env" if env_file is None else env_file
    from_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    return {**from_file, **dict(environ.items())}


def _problems(values: Mapping[str, str]) -> list[str]:
    def get(name: str) -> str:
        return values.get(name, "").strip()

    problems = []
    token = get("DISCORD_TOKEN")
    if any(ch.isspace() for ch in token):
        problems.append("DISCORD_TOKEN contains spaces: paste the token alone, with no quotes or prefix.")
    elif token and "." not in token:
        # The usual mix-up: the application id or the OAuth2 client secret, which sit near the token.
        problems.append(
            "DISCORD_TOKEN is not a bot token (a bot token has dots in it): copy it from Bot → Reset Token, "
            "not the application id or the client secret."
        )
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level[:20]!r}.")
    dev_guild = get("DEV_GUILD_ID")
    if dev_guild and not dev_guild.isdecimal():
        problems.append("DEV_GUILD_ID must be a server id (digits only), or left empty.")
    for name, schemes in _URL_SCHEMES:
        value = get(name)
        if value and not value.startswith(schemes):
            problems.append(f"{name} must start with {' or '.join(schemes)}, or be left empty.")
    port = get("WEB_PORT")
    if port and port.lower() != "off" and not _is_port(port):
        problems.append(f"WEB_PORT must be a port number (0-65535) or off, not {port[:20]!r}.")
    public_url = get("PUBLIC_URL")
    if public_url and not public_url.startswith(("http://", "https://")):
        problems.append("PUBLIC_URL must start with http:// or https://, like https://lounge.example.org.")
    return problems


def _is_port(text: str) -> bool:
    return text.isdecimal() and int(text) <= 65535


def _web_settings(host: str | None, port: str | None, public_url: str | None) -> WebSettings | None:
    """The live screen's settings; None when WEB_PORT is `off` (malformed values: their defaults)."""
    if port is not None and port.lower() == "off":
        return None
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        public_url = None
    return WebSettings(
        host=host or DEFAULT_WEB_HOST,
        port=int(port) if port is not None and _is_port(port) else DEFAULT_WEB_PORT,
        public_url=public_url.rstrip("/") if public_url else None,
    )


_URL_SCHEMES = (("DISCORD_API_BASE", ("http://", "https://")), ("DISCORD_GATEWAY_URL", ("ws://", "wss://")))


def read_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = None
) -> tuple[Settings, list[str]]:
    """The settings, with every malformed value replaced by its default, and one sentence per problem.

    `.env` fills only what the environment leaves unset. A missing token is not a problem here: a
    check may run without one, and `Settings.require_token` says what to do when a start needs it.
    """
    values = _read_values(environ, env_file)
    problems = _problems(values)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    token = get("DISCORD_TOKEN")
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    dev_guild = get("DEV_GUILD_ID")
    database = get("DATABASE_PATH")
    settings = Settings(
        token=Secret(token) if token else None,
        database_path=Path(database).expanduser() if database else DEFAULT_DATABASE_PATH,
        log_level=log_level if log_level in LOG_LEVELS else "INFO",
        dev_guild_id=int(dev_guild) if dev_guild and dev_guild.isdecimal() else None,
        api_base=get("DISCORD_API_BASE"),
        gateway_url=get("DISCORD_GATEWAY_URL"),
        web=_web_settings(get("WEB_HOST"), get("WEB_PORT"), get("PUBLIC_URL")),
        backup_to=get("BACKUP_TO"),
    )
    return settings, problems


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Reads the settings for a start.

    :raises SettingsError: a value is malformed (the first problem `read_settings` lists).
    """
    settings, problems = read_settings(environ, env_file)
    if problems:
        raise SettingsError(problems[0])
    return settings


def log_level_number(settings: Settings) -> int:
    return logging.getLevelNamesMapping()[settings.log_level]
