"""The party invitations: posting them with their RSVP buttons and keeping their counts current.

Counts are never pushed from memory: a change to the party's answers marks the party (see
`live.keeper`), and the coalesced refresh reads the stored counts and edits every live invitation of
the party through the channel pacer. An invitation deleted from Discord is retired and no longer edited.
Members moved off the waitlist are told through the outbox, queued with the answer that moved them.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from live.keeper import Edit, LiveKeeper, shows
from storage import Party, PartyMessage
from storage.changes import Topic
from ui.invitation import invitation_buttons, invitation_embed

log = logging.getLogger(__name__)

REFRESH_INTERVAL = 1.0
# Discord caps edits to messages older than an hour (30046): the refresh is tried again this much later.
OLD_MESSAGE_RETRY = 600.0


class Invitations(LiveKeeper):
    name = "invitation"
    topics = frozenset({Topic.RSVPS, Topic.PARTY})

    async def post(self, party: Party, channel: discord.TextChannel) -> discord.Message:
        """Posts the invitation with its RSVP buttons in `channel` and records it."""
        store = self.bot.store
        counted = await store.rsvps.counts(party.id)
        embeds = [invitation_embed(party, counted)]
        message = await self.bot.pacer.send(
            channel.id,
            lambda: channel.send(embeds=embeds, view=invitation_buttons(party.id)),
            shows=shows(embeds=embeds),
        )
        await store.party_messages.add(party.id, "invitation", channel.id, message.id)
        # An answer that landed between reading the counts and recording the message missed this one.
        if await store.rsvps.counts(party.id) != counted:
            self.changed(party.id)
        return message

    async def refresh(self, party_id: int) -> None:
        store = self.bot.store
        party = await store.parties.get(party_id)
        if party is None:
            return
        embed = invitation_embed(party, await store.rsvps.counts(party_id))
        invitations = await store.party_messages.live(party_id, "invitation")
        await asyncio.gather(*(self._edit(invitation, embed) for invitation in invitations))

    async def _edit(self, invitation: PartyMessage, embed: discord.Embed) -> None:
        try:
            done = await self.edit(
                invitation.party_id, invitation.channel_id, invitation.message_id, embeds=[embed]
            )
        except discord.HTTPException as exc:
            # One broken message must not keep the party's other invitations stale.
            log.warning("Could not refresh invitation %s: %s", invitation.message_id, exc)
            return
        if done is Edit.GONE:
            log.info("Invitation %s was deleted; no longer keeping it current", invitation.message_id)
            await self.bot.store.party_messages.retire(invitation.message_id)
        elif done is Edit.CAPPED:
            log.info("Invitation %s is past Discord's edit cap; retrying later", invitation.message_id)
            self.refresh_later(invitation.party_id, OLD_MESSAGE_RETRY)
