"""Interaction callbacks (``/interactions/{id}/{token}/callback``) and interaction webhooks (follow-ups,
``@original``), with Discord's timing rules: 3 s to acknowledge, one acknowledgement, 15 min of follow-ups.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from .bodies import UploadedFile, read_body
from .errors import ApiError, form_error, json_response, no_content
from .rest import API_PREFIX
from .state import EPHEMERAL, LOADING, AckRecord, InteractionRecord, Message
from .validation import validate_choices, validate_modal
from .world import World

PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = (
    1,
    4,
    5,
    6,
    7,
    8,
    9,
)
PING, APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5

#: Which callback types Discord accepts for each interaction type.
_ALLOWED: dict[int, set[int]] = {
    PING: {PONG},
    APPLICATION_COMMAND: {MESSAGE, DEFERRED_MESSAGE, MODAL},
    COMPONENT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}


class CallbackRoutes:
    """Callback and webhook routes for interactions the driver dispatched."""

    def __init__(self, world: World) -> None:
        self.world = world

    def register(self, app: web.Application) -> None:
        r = app.router
        r.add_post(
            API_PREFIX + "/interactions/{interaction_id:\\d+}/{interaction_token}/callback", self.callback
        )
        hook = API_PREFIX + "/webhooks/{webhook_id:\\d+}/{webhook_token}"
        r.add_post(hook, self.followup)
        r.add_get(hook + "/messages/{message_id}", self.get_message)
        r.add_patch(hook + "/messages/{message_id}", self.edit_message)
        r.add_delete(hook + "/messages/{message_id}", self.delete_message)

    # -- callback --------------------------------------------------------------------------------

    def _ack(
        self, record: InteractionRecord, callback_type: int | None, status: int, code: int | None
    ) -> None:
        now = time.monotonic()
        self.world.acks.append(
            AckRecord(now, record.id, record.type, callback_type, now - record.dispatched_at, status, code)
        )
        self.world.changed()

    async def callback(self, request: web.Request) -> web.Response:
        world = self.world
        record = world.interactions.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["interaction_token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        body, files = await read_body(request)
        callback_type = int(body.get("type") or 0) if isinstance(body, dict) else 0
        data = body.get("data") or {} if isinstance(body, dict) else {}
        if record.callback_type is not None:
            self._ack(record, callback_type, 400, 40060)
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - record.dispatched_at > world.interaction_deadline:
            self._ack(record, callback_type, 404, 10062)
            raise ApiError(404, 10062, "Unknown interaction")
        if callback_type not in _ALLOWED.get(record.type, set()):
            self._ack(record, callback_type, 400, 50035)
            raise form_error(
                "type",
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Callback type {callback_type} is not valid for interaction type {record.type}",
            )
        try:
            message = self._apply(record, callback_type, data, files)
        except ApiError as exc:
            self._ack(record, callback_type, exc.status, exc.code)
            raise
        record.callback_type = callback_type
        record.acked_at = time.monotonic()
        self._ack(record, callback_type, 200 if request.query.get("with_response") else 204, None)
        if not request.query.get("with_response"):
            return no_content()
        interaction: dict[str, Any] = {"id": str(record.id), "type": record.type}
        resource: dict[str, Any] = {"type": callback_type}
        if message is not None:
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            resource["message"] = world.payload_of(message)
        return json_response({"interaction": interaction, "resource": resource})

    def _apply(
        self, record: InteractionRecord, callback_type: int, data: dict[str, Any], files: list[UploadedFile]
    ) -> Message | None:
        world = self.world
        channel = world.channel(record.channel_id)
        message_type = 20 if record.type == APPLICATION_COMMAND else 0
        if callback_type == MESSAGE:
            message = world.create_message(
                channel,
                world.bot_user,
                data,
                files,
                source="interaction",
                webhook_id=world.application_id,
                interaction_id=record.id,
                message_type=message_type,
            )
            record.original_message_id = message.id
            record.ephemeral = message.ephemeral
            return message
        if callback_type == DEFERRED_MESSAGE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = world.create_message(
                channel,
                world.bot_user,
                {},
                [],
                source="interaction",
                webhook_id=world.application_id,
                interaction_id=record.id,
                message_type=message_type,
                extra_flags=flags,
            )
            record.original_message_id = message.id
            record.ephemeral = message.ephemeral
            record.thinking = True
            return message
        if callback_type in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            source = world.messages.get(record.source_message_id or 0)
            if source is None or source.deleted:
                raise ApiError(400, 10008, "Unknown Message")
            record.original_message_id = source.id
            record.ephemeral = source.ephemeral
            if callback_type == UPDATE_MESSAGE:
                world.edit_message(source, data, files, via="interaction")
            return source
        if callback_type == AUTOCOMPLETE_RESULT:
            validate_choices(data.get("choices"))
            record.choices = list(data["choices"])
            return None
        if callback_type == MODAL:
            validate_modal(data)
            record.modal = data
            return None
        return None

    # -- webhooks --------------------------------------------------------------------------------

    def _record(self, request: web.Request) -> InteractionRecord:
        world = self.world
        record = world.interactions_by_token.get(request.match_info["webhook_token"])
        if int(request.match_info["webhook_id"]) != world.application_id or record is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        if record.callback_type is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        if time.monotonic() - record.dispatched_at > world.followup_window:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return record

    def _target(self, request: web.Request, record: InteractionRecord) -> Message:
        raw = request.match_info["message_id"]
        if raw == "@original":
            message_id = record.original_message_id
        elif raw.isdigit() and (int(raw) == record.original_message_id or int(raw) in record.followup_ids):
            message_id = int(raw)
        else:
            message_id = None
        message = self.world.messages.get(message_id or 0)
        if message is None or message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def followup(self, request: web.Request) -> web.Response:
        world = self.world
        record = self._record(request)
        body, files = await read_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, 50035, "Invalid Form Body")
        if record.thinking and record.original_message_id is not None:
            # The first follow-up after a deferral replaces the "thinking" message (same id and ephemerality).
            message = world.messages[record.original_message_id]
            world.edit_message(message, body, files, via="interaction")
            record.thinking = False
        else:
            channel = world.channel(record.channel_id)
            message = world.create_message(
                channel,
                world.bot_user,
                body,
                files,
                source="interaction",
                webhook_id=world.application_id,
                interaction_id=record.id,
                message_type=20 if record.type == APPLICATION_COMMAND else 0,
            )
            record.followup_ids.append(message.id)
        record.completed = True
        world.changed()
        if request.query.get("wait", "").lower() not in ("1", "true"):
            return no_content()
        return json_response(world.payload_of(message))

    async def get_message(self, request: web.Request) -> web.Response:
        record = self._record(request)
        return json_response(self.world.payload_of(self._target(request, record)))

    async def edit_message(self, request: web.Request) -> web.Response:
        record = self._record(request)
        message = self._target(request, record)
        body, files = await read_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, 50035, "Invalid Form Body")
        self.world.edit_message(message, body, files, via="interaction")
        if message.id == record.original_message_id:
            record.thinking = False
            record.completed = True
        self.world.changed()
        return json_response(self.world.payload_of(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        record = self._record(request)
        message = self._target(request, record)
        self.world.delete_message(message)
        if message.id == record.original_message_id:
            record.thinking = False
            record.completed = True
        return no_content()
