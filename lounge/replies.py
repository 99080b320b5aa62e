"""Private answers to an interaction, and the one place that turns an error into what the user reads."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from rules import Refusal

log = logging.getLogger(__name__)

# Discord's code for "this interaction has already been acknowledged": a redelivered interaction.
ALREADY_ACKNOWLEDGED = 40060
UNKNOWN_INTERACTION = 10062


async def reply_privately(
    interaction: discord.Interaction, content: str | None = None, *, embed: discord.Embed | None = None
) -> None:
    """Answers only the caller, whether or not the interaction was already acknowledged."""
    kwargs: dict[str, object] = {"ephemeral": True, "allowed_mentions": discord.AllowedMentions.none()}
    if content is not None:
        kwargs["content"] = content
    if embed is not None:
        kwargs["embed"] = embed
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)  # type: ignore[arg-type]
    else:
        await interaction.response.send_message(**kwargs)  # type: ignore[arg-type]


def user_message_for(error: BaseException) -> str | None:
    """What to tell the user about `error`, or None when it needs no answer (a duplicate delivery)."""
    original = _root_cause(error)
    if isinstance(original, Refusal):
        return str(original)
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
