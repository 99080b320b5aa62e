"""Discord's limits, named once so renderers and tests share them (custom_ids: `ui.custom_ids`)."""

from __future__ import annotations

CONTENT_MAX = 2000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_TOTAL_MAX = 6000
CHOICES_MAX = 25
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80

# Brand colour of every embed the bot posts.
LOUNGE_GOLD = 0xC9A227


def clip(text: str, limit: int) -> str:
    """Shortens `text` to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
