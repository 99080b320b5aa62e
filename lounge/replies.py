"""Private answers to an interaction, and the one place that turns an error into what the user reads."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from rules import Refusal
from storage.database import DatabaseBusy, TooLate

log = logging.getLogger(__name__)

# Discord's code for "this interaction has already been acknowledged": a redelivered interaction.
ALREADY_ACKNOWLEDGED = 40060
UNKNOWN_INTERACTION = 10062


BUSY = "The bot's database is busy right now, so nothing was recorded. Try again in a moment."
TOO_LATE = "That took me too long, so nothing was recorded. Try again in a moment."


async def send_reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool,
) -> None:
    """Answers the interaction, whether or not it was already acknowledged (deferred while it waited)."""
    kwargs: dict[str, object] = {"ephemeral": ephemeral, "allowed_mentions": discord.AllowedMentions.none()}
    if content is not None:
        kwargs["content"] = content
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)  # type: ignore[arg-type]
    else:
        await interaction.response.send_message(**kwargs)  # type: ignore[arg-type]


async def reply_privately(
    interaction: discord.Interaction, content: str | None = None, *, embed: discord.Embed | None = None
) -> None:
    """Answers only the caller, whether or not the interaction was already acknowledged."""
    await send_reply(interaction, content, embed=embed, ephemeral=True)


async def update_message(
    interaction: discord.Interaction,
    *,
    embed: discord.Embed,
    view: discord.ui.View | None,
    content: str | None = None,
) -> None:
    """Replaces the message a component sits on, after a deferred update (type 6) as well as before."""
    if interaction.response.is_done():
        await interaction.edit_original_response(content=content, embed=embed, view=view)
    else:
        await interaction.response.edit_message(content=content, embed=embed, view=view)


def user_message_for(error: BaseException) -> str | None:
    """What to tell the user about `error`, or None when it needs no answer (a duplicate delivery)."""
    original = _root_cause(error)
    if isinstance(original, Refusal):
        return str(original)
    if isinstance(original, app_commands.TransformerError):
        return _unconvertible(original)
    if isinstance(original, DatabaseBusy):
        return BUSY
    if isinstance(original, TooLate):
        # Acknowledged just too late to keep the change: say so, since the member sees "thinking".
        return TOO_LATE
    if isinstance(original, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in direct messages."
    if isinstance(original, app_commands.CheckFailure):
        return str(original) or "You can't use this command here."
    if isinstance(original, discord.InteractionResponded) or (
        isinstance(original, discord.HTTPException)
        and original.code in (ALREADY_ACKNOWLEDGED, UNKNOWN_INTERACTION)
    ):
        return None
    return ""


def _unconvertible(error: app_commands.TransformerError) -> str:
    """An option Discord resolved but this server no longer has (or never had): a member who left, a
    channel or role of another server."""
    kind = error.type
    if kind in (discord.AppCommandOptionType.user, discord.AppCommandOptionType.mentionable):
        return "That member isn't in this server any more, so there's nothing to do for them here."
    if kind is discord.AppCommandOptionType.channel:
        return "Pick a text channel of this server."
    if kind is discord.AppCommandOptionType.role:
        return "Pick a role of this server."
    return "I couldn't read one of the options you gave. Check it and try again."


def _root_cause(error: BaseException) -> BaseException:
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
        return error.__cause__
    return error


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answers the caller privately about `error`; unexpected errors are logged under a short code."""
    message = user_message_for(error)
    if message is None:
        log.info("Interaction %s was already answered (a duplicate delivery); ignoring", interaction.id)
        return
    if message == TOO_LATE and not interaction.response.is_done():
        log.info("Interaction %s was past its deadline, unacknowledged: nothing kept", interaction.id)
        return
    if message == BUSY:
        log.warning("Interaction %s found the database busy: %s", interaction.id, _root_cause(error))
    if message == "":
        code = secrets.token_hex(3)
        command = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("Interaction %s (%s) failed [error %s]", interaction.id, command, code, exc_info=error)
        message = (
            f"Something went wrong on our side (error `{code}`). Nothing changed unless you were told so; "
            "try again, or give the code to whoever runs the bot."
        )
    try:
        await reply_privately(interaction, message)
    except discord.HTTPException as exc:
        log.warning("Could not tell interaction %s about its error: %s", interaction.id, exc)
