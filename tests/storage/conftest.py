"""The storage tests' shared fixture: a fresh, migrated database file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Storage


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "lounge.db")
    yield store
    await store.close()
