"""Which interactions have been applied, so the same interaction delivered twice changes things once."""

from __future__ import annotations

from storage.clock import to_text, utc_now
from storage.database import Transaction


async def claim_interaction(tx: Transaction, interaction_id: int, kind: str) -> bool:
    """Marks the interaction as applied inside the caller's transaction.

    Returns False when it was applied before: the caller then skips its change. Because the mark
    commits with the change it guards, a crash leaves either both or neither.
    """
    # RETURNING answers "was it new?" in the same round trip to the database thread as the insert.
    claimed = await tx.fetch_one(
        "INSERT INTO processed_interactions (interaction_id, kind, processed_at) VALUES (?, ?, ?) "
        "ON CONFLICT (interaction_id) DO NOTHING RETURNING interaction_id",
        (interaction_id, kind, to_text(utc_now())),
    )
    return claimed is not None
