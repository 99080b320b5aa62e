"""Private notices the bot sends on its own: telling a party's hosts what keeps it from posting."""

from __future__ import annotations

from rules.text import inert
from rules.times import discord_timestamp
from storage.outbox import DeliveryProblem, OutgoingMessage
from ui.limits import EMBED_FIELD_VALUE_MAX, clip


def delivery_problem_notice(problem: DeliveryProblem) -> OutgoingMessage:
    """The DM to each named host when a channel stops taking the bot's posts (sent once per problem)."""
    return OutgoingMessage(
        content=(
            f"I can't post for **{inert(problem.party_name)}** in <#{problem.channel_id}>: I'm "
            f"missing {problem.missing} there. What I couldn't post is kept and goes out by itself as soon "
            "as that is fixed; /party show lists what is still blocked."
        )
    )


def post_status(status: str, channel_id: int, missing: str) -> str:
    """How a host's reply says where a post they caused went (the outbox delivers it either way)."""
    where = f"<#{channel_id}>"
    if status == "delivered":
        return f"Posted in {where}."
    if status == "blocked":
        return (
            f"I can't post in {where} yet: I'm missing {missing} there. The post is kept and goes out by "
            "itself once that's fixed."
        )
    if status == "dropped":
        return f"I couldn't post in {where}: the channel is gone or refused the post."
    return f"It goes out in {where} in a moment."


def problems_field(problems: list[DeliveryProblem]) -> str:
    """/party show's open problems: where the bot can't post, and what it lacks there."""
    lines = [
        f"<#{p.channel_id}>: missing {p.missing} (posts held since {discord_timestamp(p.opened_at, 't')})"
        for p in problems
    ]
    return clip("\n".join(lines), EMBED_FIELD_VALUE_MAX)
