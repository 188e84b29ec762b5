"""Micro-benchmark: CPU to write the JSON report of a big run, as `cxlint check` does at its end.

    python -m tests.benchmarks.json_report_bench [SUBJECTS] [ROUNDS]

The run is the demo's saved report (tests/data/report-demo.json) with its subjects repeated
to SUBJECTS (default 20,000), each with its checks and findings. Prints the median CPU
seconds of ROUNDS rounds of json_report.render and the report's size.
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import time
from pathlib import Path

from cxlint.report import json_report

DEMO = Path(__file__).resolve().parents[1] / "data" / "report-demo.json"


def big_report(subjects: int) -> dict:
    data = json.loads(DEMO.read_text())
    base, findings = data["subjects"], data["findings"]
    data["subjects"], data["findings"] = [], []
    for index in range(subjects):
        subject = copy.deepcopy(base[index % len(base)])
        subject["subject"]["id"] = f"{subject['subject'].get('id')}-{index}"
        data["subjects"].append(subject)
        for finding in findings:
            if finding["subject"] == base[index % len(base)]["subject"]:
                copied = copy.deepcopy(finding)
                copied["subject"] = subject["subject"]
                data["findings"].append(copied)
    return data


def main() -> None:
    subjects = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    result = json_report.from_dict(big_report(subjects))
    times, size = [], 0
    for _ in range(rounds):
        started = time.process_time()
        size = len(json_report.render(result))
        times.append(time.process_time() - started)
    count = f"{len(result.subjects):,} subjects, {len(result.findings):,} findings"
    print(f"{count}, {size / 1e6:.1f} MB")
    print(f"json_report.render: {statistics.median(times):.3f} s CPU (median of {rounds})")


if __name__ == "__main__":
    main()
