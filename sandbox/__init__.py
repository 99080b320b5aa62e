"""A local Discord-compatible server (REST v10 + gateway) that an unmodified discord.py bot can log into.

See ``sandbox/README.md``. The public API is :class:`DiscordSandbox`; records are plain dataclasses.
"""

from __future__ import annotations

from .errors import NoResponse, SandboxError
from .events import ScheduledEvent
from .gateway import GatewayStats
from .permissions import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    MANAGE_CHANNELS,
    MANAGE_EVENTS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MANAGE_ROLES,
)
from .ratelimit import RateLimitConfig
from .reply import InteractionReply
from .server import DiscordSandbox
from .state import (
    AckRecord,
    Attachment,
    Channel,
    CommandSync,
    Guild,
    InteractionRecord,
    Member,
    Message,
    MessageEdit,
    Pings,
    RateLimitRecord,
    RequestRecord,
    Role,
    StoredAttachment,
    UnknownRoute,
    User,
)

__all__ = [
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "MANAGE_CHANNELS",
    "MANAGE_EVENTS",
    "MANAGE_GUILD",
    "MANAGE_MESSAGES",
    "MANAGE_ROLES",
    "AckRecord",
    "Attachment",
    "Channel",
    "CommandSync",
    "DiscordSandbox",
    "GatewayStats",
    "Guild",
    "InteractionRecord",
    "InteractionReply",
    "Member",
    "Message",
    "MessageEdit",
    "NoResponse",
    "Pings",
    "RateLimitConfig",
    "RateLimitRecord",
    "RequestRecord",
    "Role",
    "SandboxError",
    "ScheduledEvent",
    "StoredAttachment",
    "UnknownRoute",
    "User",
]
