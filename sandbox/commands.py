"""Application command registry routes (global and per guild), answering the way Discord does and recording
every sync so tests can assert how often and what the bot registered.
"""

from __future__ import annotations

import re
import time
from typing import Any

from aiohttp import web

from .bodies import read_body
from .errors import ApiError, form_error, json_response, no_content
from .ids import snowflake
from .rest import API_PREFIX
from .state import CommandSync
from .world import World

_NAME = re.compile(r"^[-_\w]{1,32}$")


def _check_options(options: list[dict[str, Any]], path: str) -> None:
    if len(options) > 25:
        raise form_error(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    names: set[str] = set()
    for i, option in enumerate(options):
        name = option.get("name") or ""
        if not _NAME.match(name) or name != name.lower():
            raise form_error(f"{path}.{i}.name", "APPLICATION_COMMAND_INVALID_NAME", f"Invalid name {name!r}")
        if name in names:
            raise form_error(
                f"{path}.{i}.name",
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(name)
        if not 1 <= len(option.get("description") or "") <= 100:
            raise form_error(
                f"{path}.{i}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
        if len(option.get("choices") or []) > 25:
            raise form_error(f"{path}.{i}.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        _check_options(option.get("options") or [], f"{path}.{i}.options")


def normalize_command(
    data: dict[str, Any], *, application_id: int, guild_id: int | None, existing: dict[str, Any] | None
) -> dict[str, Any]:
    """Validate a command as Discord does (the parts that matter) and add the server-side fields."""
    command_type = int(data.get("type") or 1)
    name = data.get("name") or ""
    if command_type == 1:
        if not _NAME.match(name) or name != name.lower():
            raise form_error("name", "APPLICATION_COMMAND_INVALID_NAME", f"Invalid name {name!r}")
        if not 1 <= len(data.get("description") or "") <= 100:
            raise form_error("description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        _check_options(data.get("options") or [], "options")
    out = {k: v for k, v in data.items() if v is not None}
    out["id"] = existing["id"] if existing else str(snowflake())
    out["application_id"] = str(application_id)
    out["version"] = str(snowflake())
    out["type"] = command_type
    out.setdefault("description", "")
    out.setdefault("options", [])
    out.setdefault("nsfw", False)
    permissions = data.get("default_member_permissions")
    out["default_member_permissions"] = None if permissions is None else str(permissions)
    out.setdefault("contexts", None)
    out.setdefault("integration_types", [0])
    if guild_id is not None:
        out["guild_id"] = str(guild_id)
    return out


class CommandRoutes:
    """``/applications/{id}/commands`` and ``/applications/{id}/guilds/{guild}/commands``."""

    def __init__(self, world: World) -> None:
        self.world = world

    def register(self, app: web.Application) -> None:
        r = app.router
        for base in (
            API_PREFIX + "/applications/{application_id:\\d+}/commands",
            API_PREFIX + "/applications/{application_id:\\d+}/guilds/{guild_id:\\d+}/commands",
        ):
            r.add_get(base, self.list_commands)
            r.add_put(base, self.bulk_overwrite)
            r.add_post(base, self.create_command)
            r.add_get(base + "/{command_id:\\d+}", self.get_command)
            r.add_patch(base + "/{command_id:\\d+}", self.edit_command)
            r.add_delete(base + "/{command_id:\\d+}", self.delete_command)
        r.add_get(
            API_PREFIX + "/applications/{application_id:\\d+}/guilds/{guild_id:\\d+}/commands/permissions",
            self.list_permissions,
        )

    def _scope(self, request: web.Request) -> int | None:
        if int(request.match_info["application_id"]) != self.world.application_id:
            raise ApiError(403, 50001, "Missing Access")
        guild_id = request.match_info.get("guild_id")
        if guild_id is None:
            return None
        if int(guild_id) not in self.world.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return int(guild_id)

    def _record(self, method: str, guild_id: int | None, count: int, payload: Any) -> None:
        self.world.command_syncs.append(CommandSync(time.monotonic(), method, guild_id, count, payload))
        self.world.changed()

    async def list_commands(self, request: web.Request) -> web.Response:
        return json_response(self.world.commands.get(self._scope(request), []))

    async def bulk_overwrite(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        body, _ = await read_body(request)
        if not isinstance(body, list):
            raise ApiError(400, 50035, "Invalid Form Body")
        if len(body) > 100:
            raise form_error("_", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        old = {(c["name"], c["type"]): c for c in self.world.commands.get(scope, [])}
        seen: set[tuple[str, int]] = set()
        result = []
        for i, data in enumerate(body):
            key = (data.get("name", ""), int(data.get("type") or 1))
            if key in seen:
                raise form_error(
                    f"{i}.name",
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            seen.add(key)
            result.append(
                normalize_command(
                    data, application_id=self.world.application_id, guild_id=scope, existing=old.get(key)
                )
            )
        self.world.commands[scope] = result
        self._record("PUT", scope, len(result), body)
        return json_response(result)

    async def create_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        body, _ = await read_body(request)
        commands = self.world.commands.setdefault(scope, [])
        key = (body.get("name", ""), int(body.get("type") or 1))
        existing = next((c for c in commands if (c["name"], c["type"]) == key), None)
        command = normalize_command(
            body, application_id=self.world.application_id, guild_id=scope, existing=existing
        )
        if existing is not None:
            commands[commands.index(existing)] = command
        else:
            commands.append(command)
        self._record("POST", scope, 1, body)
        return json_response(command, 200 if existing else 201)

    def _find(self, request: web.Request) -> tuple[int | None, dict[str, Any]]:
        scope = self._scope(request)
        command_id = request.match_info["command_id"]
        for command in self.world.commands.get(scope, []):
            if command["id"] == command_id:
                return scope, command
        raise ApiError(404, 10063, "Unknown application command")

    async def get_command(self, request: web.Request) -> web.Response:
        return json_response(self._find(request)[1])

    async def edit_command(self, request: web.Request) -> web.Response:
        scope, command = self._find(request)
        body, _ = await read_body(request)
        merged = normalize_command(
            command | body, application_id=self.world.application_id, guild_id=scope, existing=command
        )
        commands = self.world.commands[scope]
        commands[commands.index(command)] = merged
        self._record("PATCH", scope, 1, body)
        return json_response(merged)

    async def delete_command(self, request: web.Request) -> web.Response:
        scope, command = self._find(request)
        self.world.commands[scope].remove(command)
        self._record("DELETE", scope, 1, {"id": command["id"]})
        return no_content()

    async def list_permissions(self, request: web.Request) -> web.Response:
        self._scope(request)
        return json_response([])
