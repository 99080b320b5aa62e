"""Checks made by the bot itself before a command acts: is there a party here, and is the caller a host.

Discord's own `default_member_permissions` cannot guard sub-commands and server admins can override it,
so every host command calls `require_host` at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from rules import Refusal
from rules.hosts import is_host
from storage import Party
from ui.wording import (
    NO_PARTY,
    SERVER_ONLY,
    cannot_post,
    not_a_host,
    party_closed,
    pick_channel_here,
    pick_text_channel,
)

if TYPE_CHECKING:
    from lounge.client import LoungeBot

def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise Refusal(SERVER_ONLY)
    return interaction.guild_id


async def open_party(interaction: discord.Interaction[LoungeBot]) -> Party:
    """The guild's open party. :raises Refusal: there is none."""
    parties = interaction.client.store.parties
    guild_id = guild_id_of(interaction)
    party = await parties.open_party(guild_id)
    if party is None:
        last = await parties.latest_party(guild_id)
        if last is not None:
            raise Refusal(party_closed(last.name))
        raise Refusal(NO_PARTY)
    return party


async def shown_party(interaction: discord.Interaction[LoungeBot]) -> Party:
    """The open party, or else the last closed one, for read-only views. :raises Refusal: none ever."""
    party = await interaction.client.store.parties.latest_party(guild_id_of(interaction))
    if party is None:
        raise Refusal(NO_PARTY)
    return party


def channel_here(interaction: discord.Interaction, channel: object, what: str) -> discord.TextChannel:
    """:raises Refusal: not a text channel of the server the command runs in (options can name others)."""
    if not isinstance(channel, discord.TextChannel):
        raise Refusal(pick_text_channel(what))
    if channel.guild.id != interaction.guild_id:
        raise Refusal(pick_channel_here(what))
    return channel


# What a message the bot keeps current needs: to see the channel, post in it, and show an embed.
POSTING = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


def postable_channel(interaction: discord.Interaction, channel: object, what: str) -> discord.TextChannel:
    """:raises Refusal: not a text channel of this server, or one the bot can't post in."""
    target = channel_here(interaction, channel, what)
    if not POSTING.is_subset(target.permissions_for(target.guild.me)):
        raise Refusal(cannot_post(target.mention, what))
    return target


def manages_server(interaction: discord.Interaction) -> bool:
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.administrator


async def require_host(interaction: discord.Interaction[LoungeBot], party: Party) -> None:
    """:raises Refusal: the caller is not a host of `party`."""
    member = interaction.user
    role_ids = {role.id for role in member.roles} if isinstance(member, discord.Member) else set()
    named = await interaction.client.store.parties.host_ids(party.id)
    if not is_host(
        member.id,
        manages_server=manages_server(interaction),
        role_ids=role_ids,
        host_role_id=party.host_role_id,
        named_host_ids=named,
    ):
        raise Refusal(not_a_host(party.host_role_id is not None))


async def money_party_as_host(interaction: discord.Interaction[LoungeBot]) -> Party:
    """The party money moves on (the open one, else the latest closed one), once the caller is a host.

    :raises Refusal: no party ever, or not a host. Storage checks again, in the write, that no newer
    party took its place.
    """
    party = await shown_party(interaction)
    await require_host(interaction, party)
    return party


async def open_party_as_host(interaction: discord.Interaction[LoungeBot]) -> Party:
    """The open party, after checking the caller hosts it. :raises Refusal: no party, or not a host."""
    party = await open_party(interaction)
    await require_host(interaction, party)
    return party
