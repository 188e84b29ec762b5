"""cxlint: checks that a site keeps every promise a marketing campaign makes.

`cxlint.check(manifest, ...)` runs a check from Python (cxlint/api.py); it is imported on
first use, so that `import cxlint` stays light for the command line.
"""

from typing import Any

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/cxlint/cxlint"


def __getattr__(name: str) -> Any:
    if name == "check":
        from cxlint.api import check

        return check
    raise AttributeError(f"module 'cxlint' has no attribute {name!r}")
