"""Turn sandbox records into the JSON shapes Discord sends (and discord.py 2.7 indexes directly)."""

from __future__ import annotations

from typing import Any

from .state import Channel, Guild, Member, Message, Role, StoredAttachment, User


def user_payload(user: User) -> dict[str, Any]:
    """A user object (discord.py indexes id, username, discriminator, avatar)."""
    data: dict[str, Any] = {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "global_name": user.global_name,
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
    }
    if user.bot:
        data["bot"] = True
    return data


def role_payload(role: Role) -> dict[str, Any]:
    """A role object; permissions travel as a string, as on Discord."""
    return {
        "id": str(role.id),
        "name": role.name,
        "permissions": str(role.permissions),
        "position": role.position,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "managed": False,
        "mentionable": role.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def channel_payload(
    channel: Channel, *, recipient: User | None = None, permissions: int | None = None
) -> dict[str, Any]:
    """A channel object; ``permissions`` is added for interaction payloads and resolved channels."""
    data: dict[str, Any] = {
        "id": str(channel.id),
        "type": channel.type,
        "last_message_id": str(channel.last_message_id) if channel.last_message_id else None,
        "flags": 0,
    }
    if channel.guild_id is not None:
        data.update(
            guild_id=str(channel.guild_id),
            name=channel.name,
            position=channel.position,
            topic=channel.topic,
            nsfw=False,
            parent_id=str(channel.parent_id) if channel.parent_id else None,
            rate_limit_per_user=0,
            permission_overwrites=[
                {"id": str(target), "type": kind, "allow": str(allow), "deny": str(deny)}
                for target, (kind, allow, deny) in channel.overwrites.items()
            ],
        )
    if recipient is not None:
        data["recipients"] = [user_payload(recipient)]
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def member_payload(
    member: Member, *, with_user: bool = True, permissions: int | None = None
) -> dict[str, Any]:
    """A guild member; resolved members omit ``user`` (discord.py joins them with resolved.users)."""
    data: dict[str, Any] = {
        "roles": [str(r) for r in member.roles],
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "joined_at": member.joined_at.isoformat(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user_payload(member.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def guild_payload(guild: Guild) -> dict[str, Any]:
    """A full GUILD_CREATE body: member_count equals the members sent, so discord.py treats it as chunked."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [role_payload(r) for r in guild.roles],
        "channels": [channel_payload(c) for c in guild.channels],
        "threads": [],
        "members": [member_payload(m) for m in guild.members.values()],
        "member_count": len(guild.members),
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "large": False,
        "unavailable": False,
        "joined_at": guild.members[min(guild.members)].joined_at.isoformat() if guild.members else None,
        "premium_progress_bar_enabled": False,
    }


def attachment_payload(attachment: StoredAttachment) -> dict[str, Any]:
    """An attachment object whose url the sandbox itself serves."""
    data: dict[str, Any] = {
        "id": str(attachment.id),
        "filename": attachment.filename,
        "size": attachment.size,
        "url": attachment.url,
        "proxy_url": attachment.url,
        "content_type": attachment.content_type,
        "flags": 0,
    }
    if attachment.description is not None:
        data["description"] = attachment.description
    if attachment.ephemeral:
        data["ephemeral"] = True
    return data


def message_payload(message: Message, guild: Guild | None = None) -> dict[str, Any]:
    """A message object as REST and the gateway return it."""
    data: dict[str, Any] = {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "type": message.type,
        "content": message.content,
        "author": user_payload(message.author),
        "embeds": message.embeds,
        "components": message.components,
        "attachments": [attachment_payload(a) for a in message.attachments],
        "mentions": [],
        "mention_roles": [str(r) for r in message.pinged.roles],
        "mention_everyone": message.pinged.everyone,
        "timestamp": message.timestamp.isoformat(),
        "edited_timestamp": message.edited_timestamp.isoformat() if message.edited_timestamp else None,
        "flags": message.flags,
        "pinned": message.pinned,
        "tts": message.tts,
    }
    if guild is not None:
        data["guild_id"] = str(guild.id)
        member = guild.members.get(message.author.id)
        if member is not None and message.webhook_id is None:
            data["member"] = member_payload(member, with_user=False)
        for user_id in message.pinged.users:
            target = guild.members.get(user_id)
            if target is not None:
                data["mentions"].append(
                    user_payload(target.user) | {"member": member_payload(target, with_user=False)}
                )
    if message.webhook_id is not None:
        data["webhook_id"] = str(message.webhook_id)
        data["application_id"] = str(message.webhook_id)
    if message.message_reference is not None:
        data["message_reference"] = message.message_reference
    if message.reactions:
        counts: dict[str, int] = {}
        for emoji, _user in message.reactions:
            counts[emoji] = counts.get(emoji, 0) + 1
        data["reactions"] = [
            {
                "emoji": {"id": None, "name": e},
                "count": n,
                "me": True,
                "count_details": {"burst": 0, "normal": n},
                "burst_colors": [],
                "me_burst": False,
                "burst_count": 0,
            }
            for e, n in counts.items()
        ]
    return data
