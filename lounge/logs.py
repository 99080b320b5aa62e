"""Logging, configured once by the entry point, with secrets scrubbed from every line it writes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "[secret hidden]"


class RedactingFormatter(logging.Formatter):
    """Replaces each secret wherever it appears in the finished line, tracebacks included.

    Scrubbing the formatted text (not just `msg`) also catches secrets that arrive through `%s`
    arguments, exception messages and library log lines we do not control.
    """

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        # Longest first, so a secret that contains another is hidden whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(level: int, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.http narrates every request at INFO/DEBUG; keep it for real debugging sessions only.
    logging.getLogger("discord.http").setLevel(level if level <= logging.DEBUG else logging.WARNING)
