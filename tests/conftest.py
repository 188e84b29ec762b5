"""Hypothesis profiles: the same examples on every machine, wider search on request."""

import os

from hypothesis import settings

# README's test command and CI try the same examples everywhere, so a result can be
# reproduced and a submission does not pass or fail by the luck of a seed. Looking for new
# failures is its own step: HYPOTHESIS_PROFILE=explore python -m pytest -q tests/test_urls.py
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", max_examples=20_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
