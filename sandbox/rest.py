"""REST API v10: the request middleware (auth, rate limits, records, Discord-shaped errors) and the login,
user, guild, channel and message routes. Commands live in ``commands.py``, interaction callbacks and
webhooks in ``callbacks.py``.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .bodies import read_body
from .errors import ApiError, json_response, no_content
from .payloads import channel_payload, member_payload, role_payload, user_payload
from .state import DM_CHANNEL, RateLimitRecord, RequestRecord, UnknownRoute
from .world import World

log = logging.getLogger("sandbox.rest")

API_PREFIX = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Routes authenticated by the interaction/webhook token in the URL instead of the bot token.
_TOKEN_ROUTES = ("/interactions/", "/webhooks/{webhook_id}/{webhook_token}")


def _route_template(request: web.Request) -> str:
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else request.path
    return canonical.removeprefix(API_PREFIX)


def _major(request: web.Request) -> tuple[str, int | None]:
    info = request.match_info
    channel_id = info.get("channel_id")
    # Each interaction's callback route is its own bucket on Discord, as discord.py assumes too.
    keys = ("channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id", "interaction_token")
    parts = [info.get(k) for k in keys]
    major = "+".join(p for p in parts if p)
    return major, int(channel_id) if channel_id and channel_id.isdigit() else None


def make_middleware(world: World) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Middleware applying Discord's request handling to every ``/api/v10`` route."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        now = time.monotonic()
        if request.match_info.http_exception is not None:
            status = 405 if request.match_info.http_exception.status == 405 else 404
            world.unknown_routes.append(UnknownRoute(now, request.method, request.path))
            world.requests.append(RequestRecord(now, request.method, "?", request.path, status))
            world.changed()
            text = "405: Method Not Allowed" if status == 405 else "404: Not Found"
            return json_response({"message": text, "code": 0}, status)
        route = _route_template(request)
        record = RequestRecord(now, request.method, route, request.path)
        world.requests.append(record)
        token_route = route.startswith(_TOKEN_ROUTES)
        if not token_route and request.headers.get("Authorization") != f"Bot {world.token}":
            record.status = 401
            world.changed()
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        major, channel_id = _major(request)
        decision = world.limiter.check(
            request.method, route, major, channel_id=channel_id, exempt_global=token_route
        )
        if decision.limited:
            record.status = 429
            world.rate_limited.append(
                RateLimitRecord(
                    now,
                    request.method,
                    route,
                    request.path,
                    decision.scope,
                    decision.bucket,
                    decision.retry_after,
                    decision.is_global,
                )
            )
            world.changed()
            body: dict[str, Any] = {
                "message": "You are being rate limited.",
                "retry_after": decision.retry_after,
                "global": decision.is_global,
            }
            if decision.scope == "shared":
                body["code"] = 20028
            return json_response(body, 429, decision.headers)
        try:
            response = await handler(request)
        except ApiError as exc:
            response = json_response(exc.body(), exc.status)
        except web.HTTPException:
            raise
        except Exception as exc:  # a sandbox bug must surface as a visible 500, never hang the bot
            world.server_errors.append(f"{request.method} {request.path}: {exc!r}\n{traceback.format_exc()}")
            log.exception("sandbox error on %s %s", request.method, request.path)
            response = json_response({"message": f"sandbox error: {exc!r}", "code": 0}, 500)
        if not 200 <= response.status < 300:
            world.limiter.release(decision)
        response.headers.update(decision.headers)
        record.status = response.status
        world.changed()
        return response

    return middleware


def _int(value: str | None, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ApiError(400, 50035, "Invalid Form Body") from exc


class RestRoutes:
    """Login, user, guild, channel and message routes."""

    def __init__(self, world: World, gateway_url: Callable[[], str]) -> None:
        self.world = world
        self.gateway_url = gateway_url

    def register(self, app: web.Application) -> None:
        r = app.router
        p = API_PREFIX
        r.add_get(p + "/users/@me", self.get_me)
        r.add_get(p + "/oauth2/applications/@me", self.get_application)
        r.add_get(p + "/applications/@me", self.get_application)
        r.add_get(p + "/gateway", self.get_gateway)
        r.add_get(p + "/gateway/bot", self.get_gateway_bot)
        r.add_post(p + "/users/@me/channels", self.create_dm)
        r.add_get(p + "/users/{user_id:\\d+}", self.get_user)
        r.add_get(p + "/guilds/{guild_id:\\d+}", self.get_guild)
        r.add_get(p + "/guilds/{guild_id:\\d+}/channels", self.get_guild_channels)
        r.add_get(p + "/guilds/{guild_id:\\d+}/roles", self.get_guild_roles)
        r.add_get(p + "/guilds/{guild_id:\\d+}/members", self.list_members)
        r.add_get(p + "/guilds/{guild_id:\\d+}/members/{user_id:\\d+}", self.get_member)
        c = p + "/channels/{channel_id:\\d+}"
        r.add_get(c, self.get_channel)
        r.add_post(c + "/typing", self.typing)
        r.add_get(c + "/messages", self.list_messages)
        r.add_post(c + "/messages", self.create_message)
        r.add_post(c + "/messages/bulk-delete", self.bulk_delete)
        for pins in (c + "/messages/pins", c + "/pins"):
            r.add_get(pins, self.list_pins)
            r.add_put(pins + "/{message_id:\\d+}", self.pin)
            r.add_delete(pins + "/{message_id:\\d+}", self.unpin)
        m = c + "/messages/{message_id:\\d+}"
        r.add_get(m, self.get_message)
        r.add_patch(m, self.edit_message)
        r.add_delete(m, self.delete_message)
        r.add_put(m + "/reactions/{emoji}/@me", self.add_reaction)
        r.add_delete(m + "/reactions/{emoji}/@me", self.remove_reaction)
        r.add_get("/attachments/{attachment_id:\\d+}/{filename}", self.get_attachment)

    # -- login -----------------------------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        user = user_payload(self.world.bot_user)
        return json_response(user | {"verified": True, "mfa_enabled": False, "email": None, "bio": ""})

    async def get_application(self, request: web.Request) -> web.Response:
        world = self.world
        return json_response(
            {
                "id": str(world.application_id),
                "name": world.bot_user.username,
                "description": "A local Discord-compatible sandbox application.",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user_payload(world.owner),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "summary": "",
                "bot": user_payload(world.bot_user),
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
            }
        )

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url()})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url(),
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    # -- users and DMs ---------------------------------------------------------------------------

    async def get_user(self, request: web.Request) -> web.Response:
        user = self.world.users.get(int(request.match_info["user_id"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return json_response(user_payload(user))

    async def create_dm(self, request: web.Request) -> web.Response:
        body, _ = await read_body(request)
        user = self.world.users.get(_int(str(body.get("recipient_id", ""))) or 0)
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        channel = self.world.dm_channel(user)
        return json_response(channel_payload(channel, recipient=user))

    # -- guilds ----------------------------------------------------------------------------------

    def _guild(self, request: web.Request) -> Any:
        guild = self.world.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        data = self.world.guild_create_payload(guild)
        for key in ("channels", "members", "threads", "presences", "voice_states"):
            data.pop(key, None)
        data["approximate_member_count"] = len(guild.members)
        return json_response(data)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        return json_response([channel_payload(c) for c in self._guild(request).channels])

    async def get_guild_roles(self, request: web.Request) -> web.Response:
        return json_response([role_payload(r) for r in self._guild(request).roles])

    async def list_members(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        limit = _int(request.query.get("limit"), 1) or 1
        after = _int(request.query.get("after"), 0) or 0
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)[:limit]
        return json_response([member_payload(m) for m in members])

    async def get_member(self, request: web.Request) -> web.Response:
        member = self._guild(request).members.get(int(request.match_info["user_id"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member_payload(member))

    # -- channels and messages -------------------------------------------------------------------

    def _channel(self, request: web.Request) -> Any:
        return self.world.channel(int(request.match_info["channel_id"]))

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        recipient = self.world.users.get(channel.recipient_id or 0) if channel.type == DM_CHANNEL else None
        return json_response(channel_payload(channel, recipient=recipient))

    async def typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        query = request.query
        limit = max(1, min(100, _int(query.get("limit"), 50) or 50))
        visible = [m for m in self.world.message_list(channel.id) if not m.deleted and not m.ephemeral]
        before, after, around = _int(query.get("before")), _int(query.get("after")), _int(query.get("around"))
        if around is not None:
            older = [m for m in visible if m.id <= around][-((limit + 1) // 2) :]
            newer = [m for m in visible if m.id > around][: limit - len(older)]
            chosen = older + newer
        elif after is not None:
            chosen = [m for m in visible if m.id > after][:limit]
        else:
            if before is not None:
                visible = [m for m in visible if m.id < before]
            chosen = visible[-limit:]
        chosen.sort(key=lambda m: m.id, reverse=True)
        return json_response([self.world.payload_of(m) for m in chosen])

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body, files = await read_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, 50035, "Invalid Form Body")
        self.world.require_bot_access(channel, files=bool(files))
        if body.get("message_reference"):
            ref = body["message_reference"]
            ref.setdefault("channel_id", str(channel.id))
            if channel.guild_id is not None:
                ref.setdefault("guild_id", str(channel.guild_id))
        message = self.world.create_message(channel, self.world.bot_user, body, files, source="channel")
        return json_response(self.world.payload_of(message))

    async def get_message(self, request: web.Request) -> web.Response:
        message = self.world.message(
            int(request.match_info["channel_id"]), int(request.match_info["message_id"])
        )
        if message.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return json_response(self.world.payload_of(message))

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self.world.message(
            int(request.match_info["channel_id"]), int(request.match_info["message_id"])
        )
        if message.author.id != self.world.bot_user.id or message.ephemeral:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body, files = await read_body(request)
        self.world.require_bot_access(self.world.channel(message.channel_id), files=bool(files))
        if not isinstance(body, dict):
            raise ApiError(400, 50035, "Invalid Form Body")
        if message.age > 3600 and not self.world.limiter.allow_old_message_edit(message.channel_id):
            raise ApiError(
                400, 30046, "Maximum number of edits to messages older than 1 hour reached. Try again later."
            )
        self.world.edit_message(message, body, files, via="channel")
        return json_response(self.world.payload_of(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self.world.message(
            int(request.match_info["channel_id"]), int(request.match_info["message_id"])
        )
        self.world.delete_message(message)
        return no_content()

    async def bulk_delete(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body, _ = await read_body(request)
        ids = [int(i) for i in (body or {}).get("messages", [])]
        if not 2 <= len(ids) <= 100:
            raise ApiError(400, 50016, "You must provide at least 2 and fewer than 100 messages to delete.")
        for message_id in ids:
            self.world.delete_message(self.world.message(channel.id, message_id))
        return no_content()

    async def list_pins(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        pinned = [m for m in self.world.message_list(channel.id) if m.pinned and not m.deleted]
        pinned.reverse()
        if request.path.endswith("/messages/pins"):
            items = [
                {"pinned_at": m.timestamp.isoformat(), "message": self.world.payload_of(m)} for m in pinned
            ]
            return json_response({"items": items, "has_more": False})
        return json_response([self.world.payload_of(m) for m in pinned])

    async def _set_pin(self, request: web.Request, pinned: bool) -> web.Response:
        message = self.world.message(
            int(request.match_info["channel_id"]), int(request.match_info["message_id"])
        )
        message.pinned = pinned
        channel = self.world.channel(message.channel_id)
        data: dict[str, Any] = {
            "channel_id": str(channel.id),
            "last_pin_timestamp": message.timestamp.isoformat(),
        }
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        self.world.dispatch("CHANNEL_PINS_UPDATE", data)
        self.world.dispatch("MESSAGE_UPDATE", self.world.payload_of(message))
        return no_content()

    async def pin(self, request: web.Request) -> web.Response:
        return await self._set_pin(request, True)

    async def unpin(self, request: web.Request) -> web.Response:
        return await self._set_pin(request, False)

    async def add_reaction(self, request: web.Request) -> web.Response:
        message = self.world.message(
            int(request.match_info["channel_id"]), int(request.match_info["message_id"])
        )
        entry = (request.match_info["emoji"], self.world.bot_user.id)
        if entry not in message.reactions:
            message.reactions.append(entry)
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        message = self.world.message(
            int(request.match_info["channel_id"]), int(request.match_info["message_id"])
        )
        entry = (request.match_info["emoji"], self.world.bot_user.id)
        if entry in message.reactions:
            message.reactions.remove(entry)
        return no_content()

    async def get_attachment(self, request: web.Request) -> web.Response:
        attachment = self.world.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None or attachment.filename != request.match_info["filename"]:
            raise web.HTTPNotFound()
        return web.Response(
            body=attachment.data, content_type=attachment.content_type or "application/octet-stream"
        )
