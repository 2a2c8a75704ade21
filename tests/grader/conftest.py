"""The grader's tests share one students' release per session (helpers: tests/grader_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from grader_helpers import REPO

from instructor import release


@pytest.fixture(scope="session")
def stub_release(tmp_path_factory) -> Path:
    """The students' release of this repository, built once, as released (every task a stub)."""
    out = tmp_path_factory.mktemp("release") / "stub"
    release.build(out, REPO)
    return out
