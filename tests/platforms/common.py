"""What the platform fixtures and tests share: starting and stopping servers, the campaign
table (planted defects, healthy controls, known wrong verdicts) and running cxlint's CLI.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest
import yaml

STARTUP_TIMEOUT = 120.0  # seconds; generous for a loaded CI machine, never asserted on


@dataclass
class Site:
    """A running platform: its base URL and how long it took to set up from scratch."""

    url: str
    folder: Path
    setup_seconds: float


def unavailable(reason: str) -> NoReturn:
    """The platform cannot be had here: skipped on a developer's machine, a failure in CI,
    whose .ci/run installs every platform (a skip there would hide a broken install)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: see .ci/run)")
    pytest.skip(reason)


def require(commands: Iterable[str] = (), paths: Iterable[str] = (), *, install: str) -> None:
    """Skip the test when a program or file of the platform is missing on this machine."""
    missing = [c for c in commands if shutil.which(c) is None]
    missing += [str(p) for p in paths if not Path(p).exists()]
    if missing:
        unavailable(f"missing {', '.join(missing)}: `{install}` (.ci/run installs it)")


def free_port() -> int:
    """A port nobody listens on now; servers that cannot bind port 0 themselves are given one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(
    command: list[str], log: Path, *, stdout: int | None = None, **options: Any
) -> subprocess.Popen[bytes]:
    """Start a server in its own process group, so that stop() ends its workers too; its
    output goes to the log (stdout too, unless asked for as a pipe)."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            command,
            stdout=out if stdout is None else stdout,
            stderr=out,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            **options,
        )


def read_ready_line(process: subprocess.Popen[bytes], log: Path) -> str:
    """The base URL from the server's `READY http://...` line (its other lines to the log)."""
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with selectors.DefaultSelector() as selector, open(log, "ab") as out:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=0.5):
                if process.poll() is not None:
                    break
                continue
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith(b"READY "):
                return line.split()[1].decode()
            out.write(line)
    pytest.fail(f"the server did not start:\n{tail(log)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a server started by start(), and the workers it forked, by its process group id."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass
    with contextlib.suppress(ProcessLookupError):  # forked workers outlive their leader
        os.killpg(process.pid, signal.SIGKILL)


def run(command: list[str], log: Path, **options: Any) -> None:
    """Run a set-up step to its end, its output in the log; a failure shows the log's tail."""
    with open(log, "ab") as out:
        result = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **options
        )
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited {result.returncode}:\n{tail(log)}")


def tail(log: Path, size: int = 4000) -> str:
    return log.read_text(errors="replace")[-size:] if log.exists() else "(no log)"


def wait_until_answers(
    url: str, process: subprocess.Popen[bytes], log: Path, *, status: int = 200
) -> bool:
    """Poll the site until it answers `url` with `status`: False when the server exited first
    (a port taken since free_port() looked), a failure with the log when it never answers."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            response = httpx.get(url, timeout=10)
            if response.status_code == status:
                return True
            last = f"status {response.status_code}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer {status} ({last}):\n{tail(log)}")


def serve(
    command: Callable[[int], list[str]],
    log: Path,
    *,
    prepare: Callable[[int], None] = lambda port: None,
    path: str = "/",
    **options: Any,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start a server on a free port of 127.0.0.1 (`prepare` writes what names the port first);
    another port when the chosen one was taken meanwhile. The process and the base URL."""
    for _ in range(3):
        port = free_port()
        prepare(port)
        process = start(command(port), log, **options)
        url = f"http://127.0.0.1:{port}"
        if wait_until_answers(url + path, process, log):
            return process, url
        stop(process)
    pytest.fail(f"the server did not start:\n{tail(log)}")


@dataclass
class Subject:
    """A product or landing page of a test campaign: its manifest entry and what it should get.

    `planted`: the rules that must report it (empty for a healthy control, which must get no
    error at all); `says`: for a planted rule, words its message must hold (the right reason);
    `also`: other errors that are true of it (a retired page sent to the home page also loses
    the phone number), allowed but not required.
    """

    key: str
    entry: dict[str, Any]
    planted: tuple[str, ...] = ()
    says: dict[str, str] = field(default_factory=dict)
    also: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "product" if "id" in self.entry else "landing_page"


@dataclass
class Campaign:
    name: str
    products: list[Subject]
    landing_pages: list[Subject]
    phone: str | None = None
    # (subject key, rule) -> what cxlint gets wrong there today, with its evidence (issue 15):
    # a planted defect it misses, or an error it reports on a subject where it is not true.
    wrong: dict[tuple[str, str], str] = field(default_factory=dict)
    # (subject key, rule) -> a planted defect found, but for a wrong reason.
    wrong_reason: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def subjects(self) -> list[Subject]:
        return self.products + self.landing_pages

    def subject(self, key: str) -> Subject:
        return next(s for s in self.subjects if s.key == key)

    def manifest(self, base_url: str) -> dict[str, Any]:
        site: dict[str, Any] = {"url": base_url}
        if self.phone:
            site["phone"] = self.phone
        return {
            "version": 1,
            "campaign": {"name": self.name, "id": self.name.lower().replace(" ", "-")},
            "site": site,  # no `search:` key: cxlint must discover the platform's search
            "products": [s.entry for s in self.products],
            "landing_pages": [s.entry for s in self.landing_pages],
        }

    # pytest parameters, one test per verdict, so that each xfail covers one wrong verdict

    def planted_cases(self) -> list[Any]:
        return [
            pytest.param(s.key, rule, marks=_xfail(self.wrong.get((s.key, rule))), id=_id(s, rule))
            for s in self.subjects
            for rule in s.planted
        ]

    def reason_cases(self) -> list[Any]:
        return [
            pytest.param(
                s.key, rule, marks=_xfail(self.wrong_reason.get((s.key, rule))), id=_id(s, rule)
            )
            for s in self.subjects
            for rule in s.says
            if (s.key, rule) not in self.wrong  # a missed defect has no reason to check
        ]

    def subject_cases(self) -> list[Any]:
        return [pytest.param(s.key, id=s.key) for s in self.subjects]

    def false_error_cases(self) -> list[Any]:
        """The errors cxlint reports today where they are not true, each a strict xfail."""
        cases = [
            pytest.param(key, rule, marks=_xfail(why), id=f"{key}-{rule}")
            for (key, rule), why in self.wrong.items()
            if rule not in self.subject(key).planted
        ]
        none = pytest.mark.skip(reason="cxlint reports no false error on this platform today")
        return cases or [pytest.param("", "", marks=none, id="none")]


def _xfail(reason: str | None) -> list[Any]:
    return [pytest.mark.xfail(strict=True, reason=f"issue 15: {reason}")] if reason else []


def _id(subject: Subject, rule: str) -> str:
    return f"{subject.key}-{rule}"


def check(manifest: dict[str, Any], folder: Path) -> tuple[int, dict[str, Any]]:
    """Run `python -m cxlint check` as a user would; its exit code and its JSON report."""
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    out = folder / "run.json"
    result = subprocess.run(
        [sys.executable, "-m", "cxlint", "check", str(path), "--format", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=folder,  # whatever cxlint writes beside it stays under tmp_path
        timeout=600,
    )
    assert out.exists(), f"exit {result.returncode}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result.returncode, json.loads(out.read_text())


def findings_of(report: dict[str, Any], subject: Subject) -> list[dict[str, Any]]:
    """The findings whose subject is this manifest subject (landing pages: by URL as written)."""
    if subject.kind == "product":
        match = {"type": "product", "id": subject.entry["id"]}
    else:
        match = {"type": "landing_page", "url": subject.entry["url"]}
    return [
        f for f in report["findings"] if all(f["subject"].get(k) == v for k, v in match.items())
    ]


def errors_of(report: dict[str, Any], subject: Subject) -> dict[str, dict[str, Any]]:
    """The subject's error findings by rule."""
    return {f["rule"]: f for f in findings_of(report, subject) if f["severity"] == "error"}


def describe(findings: Iterable[dict[str, Any]]) -> str:
    """The findings in a line each, for assertion messages."""
    return "\n".join(
        f"  {f['severity']} {f['rule']}: {f['message']} | evidence: "
        f"{json.dumps(f.get('evidence'))[:600]}"
        for f in findings
    )


# The assertions every platform's tests make, on one subject and rule each.


def assert_planted_found(report: dict[str, Any], campaign: Campaign, key: str, rule: str) -> None:
    subject = campaign.subject(key)
    found = findings_of(report, subject)
    assert rule in {f["rule"] for f in found}, f"{rule} not reported on {key}:\n{describe(found)}"


def assert_planted_reason(report: dict[str, Any], campaign: Campaign, key: str, rule: str) -> None:
    subject = campaign.subject(key)
    finding = errors_of(report, subject).get(rule)
    assert finding is not None, f"{rule} not reported on {key}"
    assert subject.says[rule] in finding["message"], describe([finding])


def assert_no_false_errors(report: dict[str, Any], campaign: Campaign, key: str) -> None:
    """No error on the subject but its planted ones and the true `also` ones; the errors known
    to be wrong today are left to their own xfail tests (false_error_cases)."""
    subject = campaign.subject(key)
    known = {rule for k, rule in campaign.wrong if k == key}
    allowed = set(subject.planted) | set(subject.also) | known
    errors = errors_of(report, subject)
    unexpected = [f for rule, f in errors.items() if rule not in allowed]
    assert not unexpected, f"false errors on {key}:\n{describe(unexpected)}"


def assert_not_reported(report: dict[str, Any], campaign: Campaign, key: str, rule: str) -> None:
    finding = errors_of(report, campaign.subject(key)).get(rule)
    assert finding is None, f"{rule} is not true of {key}, yet:\n{describe([finding])}"
