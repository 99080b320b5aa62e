"""Which interactions have been applied, so the same interaction delivered twice changes things once."""

from __future__ import annotations

from storage.clock import to_text, utc_now
from storage.database import Transaction, Work

# RETURNING answers "was it new?" in the same statement as the insert.
_CLAIM = (
    "INSERT INTO processed_interactions (interaction_id, kind, processed_at) VALUES (?, ?, ?) "
    "ON CONFLICT (interaction_id) DO NOTHING RETURNING interaction_id"
)


async def claim_interaction(tx: Transaction, interaction_id: int, kind: str) -> bool:
    """Marks the interaction as applied inside the caller's transaction.

    Returns False when it was applied before: the caller then skips its change. Because the mark
    commits with the change it guards, a crash leaves either both or neither.
    """
    claimed = await tx.fetch_one(_CLAIM, (interaction_id, kind, to_text(utc_now())))
    return claimed is not None


def claim_interaction_in(work: Work, interaction_id: int, kind: str) -> bool:
    """`claim_interaction` for a function run by `Database.run`, on the database thread."""
    return work.fetch_one(_CLAIM, (interaction_id, kind, to_text(utc_now()))) is not None
