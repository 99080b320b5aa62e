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

    def require_token(self) -> Secret:
        if self.token is None:
            raise SettingsError(
                "DISCORD_TOKEN is not set. Put your bot's token in .env (copy .env.example; the token is "
                "under Bot → Reset Token in the Discord Developer Portal), or try `make demo` to see the "
                "bot offline."
            )
        return self.token


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Reads the settings; `.env` fills only what the environment leaves unset.

    :raises SettingsError: a value is malformed.
    """
    environ = os.environ if environ is None else environ
    env_file = PROJECT_DIR / ".env" if env_file is None else env_file
    from_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    values = {**from_file, **{k: v for k, v in environ.items()}}

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    token = get("DISCORD_TOKEN")
    if token is not None and any(ch.isspace() for ch in token):
        raise SettingsError("DISCORD_TOKEN contains spaces: paste the token alone, with no quotes or prefix.")

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level[:20]!r}.")

    dev_guild = get("DEV_GUILD_ID")
    if dev_guild is not None and not dev_guild.isdecimal():
        raise SettingsError("DEV_GUILD_ID must be a server id (digits only), or left empty.")

    database = get("DATABASE_PATH")
    return Settings(
        token=Secret(token) if token else None,
        database_path=Path(database).expanduser() if database else DEFAULT_DATABASE_PATH,
        log_level=log_level,
        dev_guild_id=int(dev_guild) if dev_guild else None,
        api_base=get("DISCORD_API_BASE"),
        gateway_url=get("DISCORD_GATEWAY_URL"),
        web=_web_settings(get("WEB_HOST"), get("WEB_PORT"), get("PUBLIC_URL")),
    )


def _web_settings(host: str | None, port: str | None, public_url: str | None) -> WebSettings | None:
    """The live screen's settings; None when WEB_PORT is `off`."""
    if port is not None and port.lower() == "off":
        return None
    if port is not None and not (port.isdecimal() and int(port) <= 65535):
        raise SettingsError(f"WEB_PORT must be a port number (0-65535) or off, not {port[:20]!r}.")
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise SettingsError("PUBLIC_URL must start with http:// or https://, like https://lounge.example.org.")
    return WebSettings(
        host=host or DEFAULT_WEB_HOST,
        port=DEFAULT_WEB_PORT if port is None else int(port),
        public_url=public_url.rstrip("/") if public_url else None,
    )


def log_level_number(settings: Settings) -> int:
    return logging.getLevelNamesMapping()[settings.log_level]
