"""Runs joined and compared: the shards of one campaign merged into one run (merge.py), and
a run compared with an earlier one, each finding new or still present (baseline.py). Neither
is a report format: the reporters render whatever RunResult these give them.
"""
