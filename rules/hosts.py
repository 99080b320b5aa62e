"""Who counts as a host of a party: the rule behind every host-only command."""

from __future__ import annotations

from collections.abc import Collection


def is_host(
    user_id: int,
    *,
    manages_server: bool,
    role_ids: Collection[int],
    host_role_id: int | None,
    named_host_ids: Collection[int],
) -> bool:
    """A host has Manage Server, or the party's host role, or was named a host by the party (its creator)."""
    return (
        manages_server
        or (host_role_id is not None and host_role_id in role_ids)
        or user_id in named_host_ids
    )
