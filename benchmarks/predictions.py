"""The predictions game under load: the Emmys ballot on the party, every member a guest with their ballot
open, then picks arriving with pledges at the pace of 200 members filling 26 categories in a minute.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from benchmarks.scene import BenchError, Scene
from sandbox import Attachment, Message

BALLOT = Path(__file__).resolve().parents[1] / "demo" / "ballots" / "emmys-65.csv"
# 200 members × 26 picks in one minute is about 87 picks a second; pledges keep flowing beside them.
PICKS_AND_PLEDGES: dict[str, int] = {"pick": 87, "pledge": 23}
RATE = float(sum(PICKS_AND_PLEDGES.values()))
PHASE_NAME = "picks of 200 members + pledges"
SETUP_BATCH = 20
SETTLE_TIMEOUT = 30.0


def pick_menus(message: Message) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row["components"] if c["type"] == 3]


async def prepare(scene: Scene) -> None:
    """Imports the ballot, has every member answer "going" and open /predict; keeps each ballot message."""
    sb = scene.sb
    r = await sb.slash(
        scene.host, scene.channel, "category import", file=Attachment("emmys.csv", BALLOT.read_bytes())
    )
    if r.error or "26 categories" not in r.content:
        raise BenchError(f"/category import failed: {r.error or r.content}")
    for start in range(0, len(scene.members), SETUP_BATCH):
        batch = scene.members[start : start + SETUP_BATCH]
        answers = await asyncio.gather(
            *(sb.slash(m, scene.channel, "rsvp", status="going", timeout=10) for m in batch)
        )
        if any(a.error for a in answers):
            raise BenchError(f"/rsvp failed: {next(a.error for a in answers if a.error)}")
        ballots = await asyncio.gather(*(sb.slash(m, scene.channel, "predict", timeout=10) for m in batch))
        for member, ballot in zip(batch, ballots, strict=True):
            if ballot.error or ballot.message_record is None or not pick_menus(ballot.message_record):
                raise BenchError(f"/predict failed: {ballot.error or ballot.text}")
            scene.ballots[member.id] = ballot.message_record.id
    # The phase measures picks, not the tail of this set-up: wait until the invitation shows every answer.
    assert scene.invitation is not None
    invitation = scene.invitation.id
    await sb.wait_until(
        lambda: _going_shown(sb.world.messages[invitation]) == len(scene.members),
        SETTLE_TIMEOUT,
        "the invitation to show every member going",
    )


def _going_shown(message: Message) -> int | None:
    for embed in message.embeds:
        for field in embed.get("fields") or []:
            if field.get("name") == "RSVPs":
                return int(str(field.get("value")).split(" going", 1)[0])
    return None


def picks_stored(scene: Scene) -> int:
    return int(scene.query("SELECT count(*) FROM predictions WHERE party_id = ?", (scene.party_id,))[0][0])
