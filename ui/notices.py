"""Private notices the bot sends on its own: telling a party's hosts what keeps it from posting."""

from __future__ import annotations

from storage.outbox import DeliveryProblem, OutgoingMessage
from ui.invitation import safe_text


def delivery_problem_notice(problem: DeliveryProblem) -> OutgoingMessage:
    """The DM to each named host when a channel stops taking the bot's posts (sent once per problem)."""
    return OutgoingMessage(
        content=(
            f"I can't post for **{safe_text(problem.party_name)}** in <#{problem.channel_id}>: I'm "
            f"missing {problem.missing} there. What I couldn't post is kept and goes out by itself as soon "
            "as that is fixed; /party show lists what is still blocked."
        )
    )


def problem_line(problem: DeliveryProblem) -> str:
    """One line of /party show's open problems."""
    return f"<#{problem.channel_id}>: missing {problem.missing}"
