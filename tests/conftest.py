from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS
