"""Discord's message, component, modal and autocomplete limits, and who a message would actually ping."""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, form_error
from .state import Guild, Pings

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_ACTION_ROWS = 5
MAX_ROW_ITEMS = 5
MAX_CUSTOM_ID = 100
MAX_LABEL = 80
MAX_CHOICES = 25
MAX_SELECT_OPTIONS = 25
COMPONENTS_V2 = 1 << 15

_EMBED_TEXT_LIMITS = {"title": 256, "description": 4096}
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def _too_long(path: str, limit: int) -> ApiError:
    return form_error(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def validate_content(content: Any) -> None:
    if content is None:
        return
    if not isinstance(content, str):
        raise form_error("content", "STRING_TYPE_CONVERT", "Could not interpret value as string.")
    if len(content) > MAX_CONTENT:
        raise _too_long("content", MAX_CONTENT)


def _embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for item in embed.get("fields") or []:
        total += len(item.get("name") or "") + len(item.get("value") or "")
    return total


def validate_embeds(embeds: Any) -> None:
    if embeds is None:
        return
    if len(embeds) > MAX_EMBEDS:
        raise form_error("embeds", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in _EMBED_TEXT_LIMITS.items():
            if len(embed.get(key) or "") > limit:
                raise _too_long(f"embeds.{i}.{key}", limit)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise form_error(f"embeds.{i}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, item in enumerate(fields):
            if not item.get("name") or len(item["name"]) > 256:
                raise _too_long(f"embeds.{i}.fields.{j}.name", 256)
            if not item.get("value") or len(item["value"]) > 1024:
                raise _too_long(f"embeds.{i}.fields.{j}.value", 1024)
        if len((embed.get("footer") or {}).get("text") or "") > 2048:
            raise _too_long(f"embeds.{i}.footer.text", 2048)
        if len((embed.get("author") or {}).get("name") or "") > 256:
            raise _too_long(f"embeds.{i}.author.name", 256)
        total += _embed_length(embed)
    if total > MAX_EMBED_TOTAL:
        raise form_error("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _validate_item(item: dict[str, Any], path: str) -> None:
    custom_id = item.get("custom_id")
    if custom_id is not None and len(custom_id) > MAX_CUSTOM_ID:
        raise _too_long(f"{path}.custom_id", MAX_CUSTOM_ID)
    label = item.get("label")
    if label is not None and item.get("type") == 2 and len(label) > MAX_LABEL:
        raise _too_long(f"{path}.label", MAX_LABEL)
    if item.get("type") == 2 and item.get("style") != 5 and item.get("style") != 6 and not custom_id:
        raise form_error(f"{path}.custom_id", "BASE_TYPE_REQUIRED", "This field is required")
    options = item.get("options")
    if options is not None and len(options) > MAX_SELECT_OPTIONS:
        raise form_error(f"{path}.options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for key in ("components",):
        for k, child in enumerate(item.get(key) or []):
            _validate_item(child, f"{path}.{key}.{k}")
    for key in ("component", "accessory"):
        if isinstance(item.get(key), dict):
            _validate_item(item[key], f"{path}.{key}")


def validate_components(components: Any, flags: int = 0) -> None:
    """Action rows ≤ 5, ≤ 5 buttons (or one select) a row, custom_id ≤ 100, label ≤ 80."""
    if components is None:
        return
    v2 = bool(flags & COMPONENTS_V2)
    if not v2 and len(components) > MAX_ACTION_ROWS:
        raise form_error(
            "components", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ACTION_ROWS} or fewer in length."
        )
    for i, row in enumerate(components):
        if not v2 and row.get("type") != 1:
            raise form_error(f"components.{i}.type", "UNION_TYPE_CHOICES", 'Value of field "type" must be 1.')
        if row.get("type") == 1:
            items = row.get("components") or []
            if not items or len(items) > MAX_ROW_ITEMS:
                raise form_error(
                    f"components.{i}.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
                )
            if any(c.get("type") != 2 for c in items) and len(items) > 1:
                raise form_error(
                    f"components.{i}.components",
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
        _validate_item(row, f"components.{i}")
    seen: set[str] = set()
    for custom_id in _custom_ids(components):
        if custom_id in seen:
            raise form_error(
                "components", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"
            )
        seen.add(custom_id)


def _custom_ids(items: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for item in items:
        if "custom_id" in item:
            found.append(item["custom_id"])
        found.extend(_custom_ids(item.get("components") or []))
        for key in ("component", "accessory"):
            if isinstance(item.get(key), dict):
                found.extend(_custom_ids([item[key]]))
    return found


def validate_choices(choices: Any) -> None:
    """Autocomplete results: at most 25, names 1-100 characters."""
    if not isinstance(choices, list):
        raise form_error("data.choices", "BASE_TYPE_REQUIRED", "This field is required")
    if len(choices) > MAX_CHOICES:
        raise form_error("data.choices", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CHOICES} or fewer in length.")
    for i, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise form_error(
                f"data.choices.{i}.name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
        value = choice.get("value")
        if isinstance(value, str) and len(value) > 100:
            raise _too_long(f"data.choices.{i}.value", 100)


def validate_modal(data: Any) -> None:
    """A modal: custom_id, title ≤ 45, 1-5 top-level components."""
    if not isinstance(data, dict) or not data.get("custom_id") or not data.get("title"):
        raise form_error("data", "BASE_TYPE_REQUIRED", "custom_id and title are required")
    if len(data["title"]) > 45:
        raise _too_long("data.title", 45)
    if len(data["custom_id"]) > MAX_CUSTOM_ID:
        raise _too_long("data.custom_id", MAX_CUSTOM_ID)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        raise form_error("data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    for i, item in enumerate(components):
        _validate_item(item, f"data.components.{i}")


def validate_allowed_mentions(allowed: Any) -> None:
    if allowed is None:
        return
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            raise form_error(
                "allowed_mentions.parse",
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )


def validate_message(body: dict[str, Any]) -> None:
    """Validate every field of a message create/edit body that is present."""
    validate_content(body.get("content"))
    validate_embeds(body.get("embeds"))
    validate_components(body.get("components"), int(body.get("flags") or 0))
    validate_allowed_mentions(body.get("allowed_mentions"))


def ensure_not_empty(content: str, embeds: list[Any], attachments: list[Any], components: list[Any]) -> None:
    if not content and not embeds and not attachments and not components:
        raise ApiError(400, 50006, "Cannot send an empty message")


def compute_pings(content: str, allowed: dict[str, Any] | None, guild: Guild | None) -> Pings:
    """Who Discord would notify: mentions in content (never embeds), filtered by allowed_mentions."""
    users = list(dict.fromkeys(int(x) for x in _USER_MENTION.findall(content)))
    roles = list(dict.fromkeys(int(x) for x in _ROLE_MENTION.findall(content)))
    everyone = "@everyone" in content or "@here" in content
    if allowed is not None:
        parse = allowed.get("parse") or []
        allowed_users = {int(x) for x in allowed.get("users") or []}
        allowed_roles = {int(x) for x in allowed.get("roles") or []}
        users = [u for u in users if "users" in parse or u in allowed_users]
        roles = [r for r in roles if "roles" in parse or r in allowed_roles]
        everyone = everyone and "everyone" in parse
    if guild is None:
        roles = []
        everyone = False
    else:
        roles = [r for r in roles if guild.role(r) is not None and r != guild.id]
        users = [u for u in users if u in guild.members]
    return Pings(everyone=everyone, users=users, roles=roles)
