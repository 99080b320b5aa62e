"""Build INTERACTION_CREATE payloads the way Discord does: slash commands and autocomplete from the command
tree the bot actually synced, button/select clicks from recorded messages, modal submits mirroring the
modal the bot showed.

Every misuse (a command or option the bot never registered, a custom_id not on the message, a missing
required option) raises :class:`SandboxError` naming what exists instead.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from . import permissions as perms
from .errors import SandboxError
from .ids import snowflake
from .payloads import attachment_payload, channel_payload, member_payload, role_payload, user_payload
from .state import Attachment, Channel, Guild, InteractionRecord, Member, Message, Role, User
from .world import World

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
_TYPE_NAMES = {
    STRING: "string",
    INTEGER: "integer",
    BOOLEAN: "boolean",
    USER: "user",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "mentionable",
    NUMBER: "number",
    ATTACHMENT: "attachment",
}
_SELECT_TYPES = {3, 5, 6, 7, 8}

UserLike = Member | User | int
ChannelLike = Channel | int
MessageLike = Message | int


class _Resolved:
    """Accumulates the ``resolved`` block of an interaction."""

    def __init__(self, world: World, guild: Guild | None, channel: Channel) -> None:
        self.world = world
        self.guild = guild
        self.channel = channel
        self.data: dict[str, dict[str, Any]] = {}

    def _put(self, kind: str, key: int, value: dict[str, Any]) -> None:
        self.data.setdefault(kind, {})[str(key)] = value

    def user(self, user: User) -> None:
        self._put("users", user.id, user_payload(user))
        if self.guild is not None and user.id in self.guild.members:
            member = self.guild.members[user.id]
            # Resolved members carry no user: discord.py joins them with resolved.users.
            data = member_payload(member, with_user=False, permissions=self.guild.member_permissions(user.id))
            self._put("members", user.id, data)

    def role(self, role: Role) -> None:
        self._put("roles", role.id, role_payload(role))

    def channel_(self, channel: Channel) -> None:
        permissions = self.world.permissions_in(self.guild, self.world.bot_user.id)
        self._put("channels", channel.id, channel_payload(channel, permissions=permissions))

    def attachment(self, attachment: Attachment) -> int:
        stored = self.world.store_attachment(
            attachment.filename,
            attachment.data,
            content_type=attachment.content_type,
            description=attachment.description,
            ephemeral=True,
        )
        self._put("attachments", stored.id, attachment_payload(stored))
        return stored.id


class InteractionBuilder:
    """Creates interaction records and their gateway payloads."""

    def __init__(self, world: World) -> None:
        self.world = world

    # -- lookups ---------------------------------------------------------------------------------

    def user_of(self, who: UserLike) -> User:
        if isinstance(who, Member):
            return who.user
        if isinstance(who, User):
            return who
        user = self.world.users.get(int(who))
        if user is None:
            raise SandboxError(f"unknown user id {who}")
        return user

    def channel_of(self, where: ChannelLike) -> Channel:
        channel = self.world.channels.get(where.id if isinstance(where, Channel) else int(where))
        if channel is None:
            raise SandboxError(f"unknown channel {where!r}")
        return channel

    def message_of(self, message: MessageLike) -> Message:
        found = self.world.messages.get(message.id if isinstance(message, Message) else int(message))
        if found is None:
            raise SandboxError(f"unknown message {message!r}")
        if found.deleted:
            raise SandboxError(f"message {found.id} was deleted; it cannot be clicked")
        return found

    def find_command(self, guild: Guild | None, name: str, command_type: int = 1) -> dict[str, Any]:
        scopes: list[int | None] = [guild.id] if guild is not None else []
        scopes.append(None)
        for scope in scopes:
            for command in self.world.commands.get(scope, []):
                if command["name"] == name and command["type"] == command_type:
                    return command
        known = sorted({c["name"] for s in scopes for c in self.world.commands.get(s, [])})
        raise SandboxError(
            f"the bot never synced a command named {name!r}; synced: {', '.join(known) or 'none'}"
        )

    # -- base payload ----------------------------------------------------------------------------

    def _new(
        self,
        itype: int,
        who: UserLike,
        where: ChannelLike,
        data: dict[str, Any],
        message: Message | None = None,
    ) -> tuple[InteractionRecord, dict[str, Any]]:
        world = self.world
        user = self.user_of(who)
        channel = self.channel_of(where)
        guild = world.guild_of(channel)
        interaction_id = snowflake()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "data": data,
            "channel_id": str(channel.id),
            "app_permissions": str(world.permissions_in(guild, world.bot_user.id)),
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 26_214_400,
        }
        if guild is not None:
            member = guild.members.get(user.id)
            if member is None:
                raise SandboxError(f"{user.username} is not a member of guild {guild.name!r}")
            member_perms = guild.member_permissions(user.id)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=member_payload(member, permissions=member_perms),
                channel=channel_payload(channel, permissions=member_perms),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user_payload(user),
                channel=channel_payload(channel, recipient=user, permissions=perms.ALL_PERMISSIONS),
                authorizing_integration_owners={"1": str(user.id)},
                context=1,
            )
        if message is not None:
            payload["message"] = world.payload_of(message)
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=itype,
            user_id=user.id,
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            payload=payload,
            dispatched_at=time.monotonic(),
            source_message_id=message.id if message is not None else None,
        )
        return record, payload

    # -- slash commands and autocomplete ---------------------------------------------------------

    def _walk(
        self, command: dict[str, Any], path: list[str]
    ) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
        """Follow sub-command group/sub-command names; return the leaf's option specs and the chain walked."""
        options = command.get("options") or []
        chain: list[tuple[int, str]] = []
        for part in path:
            subs = [o for o in options if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
            match = next((o for o in subs if o["name"] == part), None)
            if match is None:
                names = ", ".join(o["name"] for o in subs) or "none"
                raise SandboxError(f"/{command['name']} has no sub-command {part!r} (has: {names})")
            chain.append((match["type"], part))
            options = match.get("options") or []
        pending = [o for o in options if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if pending:
            names = ", ".join(o["name"] for o in pending)
            shown = " ".join([command["name"], *path])
            raise SandboxError(f"/{shown} needs a sub-command: {names}")
        return options, chain

    def _convert(self, spec: dict[str, Any], value: Any, resolved: _Resolved) -> Any:
        kind = spec["type"]
        name = spec["name"]
        where = f"option {name!r} ({_TYPE_NAMES.get(kind, kind)})"
        if kind in (STRING, INTEGER, NUMBER) and spec.get("choices"):
            choices = spec["choices"]
            if value not in [c["value"] for c in choices]:
                by_name = {c["name"]: c["value"] for c in choices}
                if value not in by_name:
                    allowed = ", ".join(repr(c["value"]) for c in choices)
                    raise SandboxError(f"{where}: {value!r} is not one of the choices {allowed}")
                value = by_name[value]
        if kind == STRING:
            if not isinstance(value, str):
                raise SandboxError(f"{where} needs a str, got {value!r}")
            return value
        if kind == INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise SandboxError(f"{where} needs an int, got {value!r}")
            return value
        if kind == NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SandboxError(f"{where} needs a number, got {value!r}")
            return value
        if kind == BOOLEAN:
            if not isinstance(value, bool):
                raise SandboxError(f"{where} needs a bool, got {value!r}")
            return value
        if kind == USER or (kind == MENTIONABLE and not isinstance(value, Role)):
            if isinstance(value, int) and kind == MENTIONABLE and resolved.guild is not None:
                role = resolved.guild.role(value)
                if role is not None:
                    resolved.role(role)
                    return str(role.id)
            user = self.user_of(value) if isinstance(value, Member | User | int) else None
            if user is None:
                raise SandboxError(f"{where} needs a member/user record or id, got {value!r}")
            resolved.user(user)
            return str(user.id)
        if kind in (ROLE, MENTIONABLE):
            role = (
                value
                if isinstance(value, Role)
                else (resolved.guild.role(int(value)) if resolved.guild else None)
            )
            if role is None:
                raise SandboxError(f"{where} needs a role record or id, got {value!r}")
            resolved.role(role)
            return str(role.id)
        if kind == CHANNEL:
            channel = self.channel_of(value) if isinstance(value, Channel | int) else None
            if channel is None:
                raise SandboxError(f"{where} needs a channel record or id, got {value!r}")
            types = spec.get("channel_types")
            if types and channel.type not in types:
                raise SandboxError(f"{where}: channel type {channel.type} not allowed (allowed: {types})")
            resolved.channel_(channel)
            return str(channel.id)
        if kind == ATTACHMENT:
            if not isinstance(value, Attachment):
                raise SandboxError(f"{where} needs sandbox.Attachment(filename, data), got {value!r}")
            return str(resolved.attachment(value))
        raise SandboxError(f"{where}: unsupported option type {kind}")

    def _options(
        self,
        command: dict[str, Any],
        name: str,
        values: dict[str, Any],
        resolved: _Resolved,
        focused: str | None,
    ) -> list[dict[str, Any]]:
        path = name.split()[1:]
        specs, chain = self._walk(command, path)
        by_name = {s["name"]: s for s in specs}
        unknown = [k for k in values if k not in by_name]
        if unknown:
            raise SandboxError(
                f"/{name} has no option {', '.join(map(repr, unknown))} "
                f"(options: {', '.join(by_name) or 'none'})"
            )
        leaf: list[dict[str, Any]] = []
        if focused is None:
            missing = [s["name"] for s in specs if s.get("required") and s["name"] not in values]
            if missing:
                raise SandboxError(f"/{name} is missing required option(s): {', '.join(missing)}")
        for spec in specs:
            if spec["name"] not in values:
                continue
            value = values[spec["name"]]
            if spec["name"] == focused:
                if not spec.get("autocomplete"):
                    raise SandboxError(f"/{name} option {focused!r} has no autocomplete")
                leaf.append(
                    {"name": spec["name"], "type": spec["type"], "value": str(value), "focused": True}
                )
                continue
            leaf.append(
                {"name": spec["name"], "type": spec["type"], "value": self._convert(spec, value, resolved)}
            )
        if focused is not None and focused not in values:
            raise SandboxError(f"autocomplete: pass the text typed so far for the focused option {focused!r}")
        options = leaf
        for kind, part in reversed(chain):
            options = [{"name": part, "type": kind, "options": options}]
        return options

    def slash(
        self,
        who: UserLike,
        where: ChannelLike,
        name: str,
        values: dict[str, Any],
        *,
        focused: str | None = None,
    ) -> tuple[InteractionRecord, dict[str, Any]]:
        """A chat-input command (or, with ``focused``, its autocomplete) built from the synced tree."""
        if not name.split():
            raise SandboxError("empty command name")
        channel = self.channel_of(where)
        guild = self.world.guild_of(channel)
        command = self.find_command(guild, name.split()[0])
        resolved = _Resolved(self.world, guild, channel)
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": self._options(command, name, values, resolved, focused),
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved.data and focused is None:
            data["resolved"] = resolved.data
        return self._new(AUTOCOMPLETE if focused is not None else APPLICATION_COMMAND, who, channel, data)

    # -- components and modals -------------------------------------------------------------------

    @staticmethod
    def _find_component(items: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
        for item in items:
            if item.get("custom_id") == custom_id:
                return item
            for child in item.get("components") or []:
                found = InteractionBuilder._find_component([child], custom_id)
                if found is not None:
                    return found
            for key in ("component", "accessory"):
                if isinstance(item.get(key), dict):
                    found = InteractionBuilder._find_component([item[key]], custom_id)
                    if found is not None:
                        return found
        return None

    def component(
        self,
        who: UserLike,
        message: MessageLike,
        custom_id: str,
        values: list[Any] | None,
        *,
        want_select: bool,
    ) -> tuple[InteractionRecord, dict[str, Any]]:
        """A button click (``values`` None) or a select menu choice on a recorded message."""
        target = self.message_of(message)
        component = self._find_component(target.components, custom_id)
        if component is None:
            raise SandboxError(
                f"message {target.id} has no component {custom_id!r} (has: {target.custom_ids})"
            )
        ctype = component.get("type")
        if want_select and ctype not in _SELECT_TYPES:
            raise SandboxError(f"component {custom_id!r} is type {ctype}, not a select menu")
        if not want_select and ctype != 2:
            raise SandboxError(f"component {custom_id!r} is type {ctype}, not a button")
        if component.get("disabled"):
            raise SandboxError(f"component {custom_id!r} is disabled; Discord would not let the user use it")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype}
        if component.get("id") is not None:
            data["id"] = component["id"]
        channel = self.channel_of(target.channel_id)
        if want_select:
            chosen = list(values or [])
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if not low <= len(chosen) <= high:
                raise SandboxError(f"select {custom_id!r} takes {low}..{high} values, got {len(chosen)}")
            data["values"], resolved = self._select_values(component, chosen, channel)
            if resolved:
                data["resolved"] = resolved
        return self._new(COMPONENT, who, channel, data, message=target)

    def _select_values(
        self, component: dict[str, Any], chosen: list[Any], channel: Channel
    ) -> tuple[list[str], dict[str, Any]]:
        ctype = component["type"]
        if ctype == 3:
            allowed = [o["value"] for o in component.get("options") or []]
            bad = [v for v in chosen if v not in allowed]
            if bad:
                raise SandboxError(
                    f"select {component['custom_id']!r} has no option(s) {bad} (options: {allowed})"
                )
            return [str(v) for v in chosen], {}
        resolved = _Resolved(self.world, self.world.guild_of(channel), channel)
        spec_type = {5: USER, 6: ROLE, 7: CHANNEL, 8: MENTIONABLE}[ctype]
        ids = [
            self._convert({"type": spec_type, "name": component["custom_id"]}, v, resolved) for v in chosen
        ]
        return ids, resolved.data

    def modal_submit(
        self, who: UserLike, where: ChannelLike, custom_id: str, values: dict[str, Any]
    ) -> tuple[InteractionRecord, dict[str, Any]]:
        """A modal submit mirroring the layout of the last modal with ``custom_id`` the bot showed."""
        shown = next(
            (
                r
                for r in reversed(self.world.interactions.values())
                if r.modal and r.modal.get("custom_id") == custom_id
            ),
            None,
        )
        remaining = dict(values)
        components: list[dict[str, Any]] = []
        if shown is None:
            # No modal recorded (e.g. the bot restarted): send every value as a text input in its own row.
            components = [
                {"type": 1, "components": [{"type": 4, "custom_id": k, "value": str(v)}]}
                for k, v in values.items()
            ]
            remaining = {}
        else:
            for item in shown.modal["components"]:  # type: ignore[index]
                if item.get("type") == 1:
                    inner = [self._submitted(c, remaining) for c in item.get("components") or []]
                    components.append({"type": 1, "components": [c for c in inner if c is not None]})
                elif item.get("type") == 18 and isinstance(item.get("component"), dict):
                    inner_item = self._submitted(item["component"], remaining)
                    if inner_item is not None:
                        entry: dict[str, Any] = {"type": 18, "component": inner_item}
                        if item.get("id") is not None:
                            entry["id"] = item["id"]
                        components.append(entry)
                elif item.get("type") == 10:
                    components.append({"type": 10, "id": item.get("id", 0)})
        if remaining:
            raise SandboxError(f"modal {custom_id!r} has no input(s) {sorted(remaining)}")
        data = {"custom_id": custom_id, "components": components}
        message = None
        if shown is not None and shown.source_message_id is not None:
            candidate = self.world.messages.get(shown.source_message_id)
            message = candidate if candidate is not None and not candidate.deleted else None
        record, payload = self._new(MODAL_SUBMIT, who, where, data, message=message)
        return record, payload

    @staticmethod
    def _submitted(component: dict[str, Any], remaining: dict[str, Any]) -> dict[str, Any] | None:
        custom_id = component.get("custom_id")
        if custom_id is None:
            return None
        ctype = component.get("type")
        out: dict[str, Any] = {"type": ctype, "custom_id": custom_id}
        if component.get("id") is not None:
            out["id"] = component["id"]
        if ctype == 4:
            value = remaining.pop(custom_id, None)
            if value is None and component.get("required", True):
                raise SandboxError(f"modal text input {custom_id!r} is required")
            out["value"] = "" if value is None else str(value)
        else:
            value = remaining.pop(custom_id, [])
            out["values"] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
