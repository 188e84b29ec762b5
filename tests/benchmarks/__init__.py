"""The performance benchmark of issue 7: `python -m tests.benchmarks --help`.

Not part of the test suite (no file here is named test_*.py): it installs nginx, LinkChecker
and linkinator, and runs for minutes.
"""
