"""InteractionReply: what the user saw after an interaction, read live from the sandbox's records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .state import InteractionRecord, Message
from .world import World


@dataclass
class InteractionReply:
    """The outcome of a driver interaction. Properties read current state, so later edits show up."""

    record: InteractionRecord
    world: World = field(repr=False)
    #: Why the reply is incomplete: no acknowledgement, a rejected callback, or a deferral never completed.
    error: str | None = None

    @property
    def interaction_id(self) -> int:
        return self.record.id

    @property
    def type(self) -> int | None:
        """The accepted callback type (4 message, 5/6 deferrals, 7 update, 8 choices, 9 modal), or None."""
        return self.record.callback_type

    @property
    def acknowledged(self) -> bool:
        return self.record.callback_type is not None

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the accepted acknowledgement."""
        return self.record.latency

    @property
    def message_record(self) -> Message | None:
        """The visible response message (reply, completed "thinking" message, or the updated message)."""
        if self.record.original_message_id is None:
            return None
        return self.world.messages.get(self.record.original_message_id)

    @property
    def message(self) -> dict[str, Any] | None:
        message = self.message_record
        return None if message is None else self.world.payload_of(message)

    @property
    def ephemeral(self) -> bool:
        message = self.message_record
        return message.ephemeral if message is not None else self.record.ephemeral

    @property
    def content(self) -> str:
        message = self.message_record
        return "" if message is None else message.content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        message = self.message_record
        return [] if message is None else message.embeds

    @property
    def components(self) -> list[dict[str, Any]]:
        message = self.message_record
        return [] if message is None else message.components

    @property
    def attachments(self) -> list[dict[str, Any]]:
        data = self.message
        return [] if data is None else data["attachments"]

    @property
    def followup_records(self) -> list[Message]:
        return [self.world.messages[i] for i in self.record.followup_ids]

    @property
    def followups(self) -> list[dict[str, Any]]:
        """Follow-up messages after the first (the first after a deferral replaces the thinking message)."""
        return [self.world.payload_of(m) for m in self.followup_records]

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        return self.record.choices

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.record.modal

    @property
    def text(self) -> str:
        """Everything readable in the response: content, embed texts and follow-ups (for loose assertions)."""
        parts: list[str] = []
        messages = [m for m in [self.message_record, *self.followup_records] if m is not None]
        for message in messages:
            parts.append(message.content)
            for embed in message.embeds:
                parts.extend(str(embed.get(k) or "") for k in ("title", "description"))
                for item in embed.get("fields") or []:
                    parts.extend((str(item.get("name") or ""), str(item.get("value") or "")))
                parts.append(str((embed.get("footer") or {}).get("text") or ""))
        return "\n".join(p for p in parts if p)
