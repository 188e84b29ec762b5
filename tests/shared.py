"""Where the team's shared folder is (PRODUCT.md, the real-page corpus): beside the checkout,
as on a developer's machine, else where this workplace keeps it (a CI clone need not sit beside
it). Tests that read it skip, with the path, when it is not there."""

from __future__ import annotations

import os
from pathlib import Path

_BESIDE = Path(__file__).resolve().parents[2] / "shared"
SHARED = _BESIDE if _BESIDE.is_dir() else Path("/work/shared")
CORPUS = Path(os.environ.get("CXLINT_CORPUS") or SHARED / "corpus")
