"""The command line: parses options, calls the run, writes reports, picks the exit code.

No checking logic lives here. Heavy modules are imported inside the commands so that
`cxlint --help` starts fast.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cxlint import __version__
from cxlint.config import configured
from cxlint.errors import UsageError
from cxlint.report import FORMATS as REPORTERS

if TYPE_CHECKING:
    from cxlint.catalogue import Rule
    from cxlint.engine import RunOptions
    from cxlint.model import Campaign, RunResult

FORMATS = tuple(REPORTERS)  # every format in the reporters' table
FAIL_ON = ("error", "warning", "new", "never")  # new: only errors not in the --baseline
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143, as shells report a process ended by SIGTERM


@dataclass
class _Invocation:
    """What the command had done, for a message when it is interrupted or fails."""

    engine: Any = None  # the running Engine: how many subjects it has checked
    written: list[str] = field(default_factory=list)  # reports already written
    secrets: list[str] = field(default_factory=list)  # never shown, even in an error
    terminated: bool = False  # SIGTERM rather than Ctrl-C

    def interrupted(self) -> str:
        engine = self.engine
        if engine is None:
            where = "before checking started"
        elif engine.total and engine.done >= engine.total:
            where = f"after checking all {engine.total} subjects"
        else:
            where = f"after {engine.done} of {engine.total} subjects"
        reports = (
            f"only these reports were written: {', '.join(self.written)}"
            if self.written
            else "no report written"
        )
        return f"interrupted {where}; {reports}"


_invocation = _Invocation()


def _fail(message: str) -> None:
    from cxlint.redact import scrub_text

    click.echo(f"cxlint: error: {scrub_text(message, _invocation.secrets)}", err=True)
    sys.exit(EXIT_USAGE)


def _on_sigterm(signum: int, frame: Any) -> None:
    """SIGTERM takes Ctrl-C's path: asyncio cancels the run and the fetcher closes cleanly."""
    _invocation.terminated = True
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)  # raises KeyboardInterrupt, or cancels the asyncio run
    else:
        raise KeyboardInterrupt


class _Command(click.Command):
    """Turns bad input into one clear line and exit 2, and never shows a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        global _invocation
        _invocation = _Invocation()
        main_thread = _is_main_thread()  # signal handlers can only be set there
        previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo(f"cxlint: {_invocation.interrupted()}.", err=True)
            sys.exit(EXIT_TERMINATED if _invocation.terminated else EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - last line of defence: one line, not a traceback
            _fail(
                f"cxlint could not finish ({exc.__class__.__name__}: {exc}); "
                "please report this with the command you ran"
            )
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


class _Group(click.Group):
    command_class = _Command

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("cxlint: interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cxlint")
def main() -> None:
    """Check that a site keeps every promise a marketing campaign makes."""


# --- check ------------------------------------------------------------------------------------


def _split(values: tuple[str, ...]) -> list[str] | None:
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return items or None


def _parse_shard(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        k, n = (int(part) for part in value.split("/"))
    except ValueError:
        raise UsageError(f"--shard must look like K/N (for example 1/4), not {value!r}") from None
    if not 1 <= k <= n:
        raise UsageError(f"--shard {value}: K must be between 1 and N")
    return k, n


def _parse_headers(values: tuple[str, ...]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header must look like 'Name: value', not {name.strip()!r}...")
        headers[name.strip()] = content.strip()
    return headers


def _reports(
    fmt: str | None, output: str | None, extra: tuple[str, ...]
) -> list[tuple[str, str | None]]:
    """(format, path or None for stdout) for each report asked for."""
    from cxlint.report import FORMATS as known

    wanted: list[tuple[str, str | None]] = []
    for item in extra:
        name, sep, path = item.partition(":")
        if not sep or not path or name not in known:
            raise UsageError(
                f"--report must look like FORMAT:PATH with FORMAT one of "
                f"{', '.join(known)}, not {item!r}"
            )
        wanted.append((name, path))
    # the terminal summary always shows unless another format was asked for on stdout
    wanted.insert(0, (fmt or "text", output))
    return wanted


def _campaign_inputs(
    campaign: Campaign, baseline: str | None, cache: str | None = None
) -> dict[str, str]:
    """The files a check reads (or keeps), which no report of it may overwrite."""
    inputs = {campaign.path: "the campaign manifest"}
    inputs.update((str(c.path), "a creative file this campaign reads") for c in campaign.creatives)
    sheets = {p.location.file for p in campaign.products if p.location} - {campaign.path}
    inputs.update((sheet, "the products sheet this campaign reads") for sheet in sheets)
    if baseline:
        inputs[baseline] = "the baseline this run compares with"
    if cache:
        from cxlint.cache import FILE_NAME

        for suffix in ("", "-wal", "-shm"):
            inputs[os.path.join(cache, FILE_NAME + suffix)] = "the --cache database"
    return inputs


def _exit_code(result: RunResult, fail_on: str) -> int:
    if result.unreachable and fail_on != "never":
        # Nothing on the site was checked: not a pass, whatever the findings' levels or the
        # baseline. --fail-on never (report's and merge's default) still renders quietly.
        return EXIT_UNREACHABLE
    levels = {"error": ("error",), "warning": ("error", "warning"), "new": ("error",)}
    gate = levels.get(fail_on, ())
    live = [f for f in result.findings if not f.acknowledged and f.severity in gate]
    if fail_on == "new":
        live = [f for f in live if f.baseline == "new"]
    return EXIT_FINDINGS if live else EXIT_OK


def _load_baseline(path: str | None, fail_on: str) -> tuple[RunResult, str] | None:
    """--baseline OLD.json, read before the run so a bad file fails at once."""
    if path is None:
        if fail_on == "new":
            raise UsageError("--fail-on new needs --baseline OLD.json to tell what is new")
        return None
    from cxlint.report.json_report import read
    from cxlint.results.baseline import baseline_name

    return read(path), baseline_name(path)


def _compare(result: RunResult, baseline: tuple[RunResult, str] | None) -> RunResult:
    if baseline is None:
        return result
    from cxlint.results.baseline import apply_baseline

    return apply_baseline(result, *baseline)


def _cpu_count() -> int:
    from cxlint.jobs import cpu_count

    return cpu_count()


# `--jobs auto` (the default) starts no process that would cost more than it saves: one per this
# many subjects at most (forking, and the requests each process repeats: home page, search
# probe, robots.txt), and none beyond a --rate one process keeps up with (docs/performance.md,
# "Round 2": two processes won from about 200 subjects on the benchmark).
AUTO_SUBJECTS_PER_PROCESS = 100
AUTO_RATE_PER_PROCESS = 200.0  # requests/s; one process made over 400/s on the benchmark


def _auto_jobs(campaign: Campaign, options: RunOptions) -> int:
    """One process per CPU, but no more than the campaign's subjects, --concurrency,
    --per-host and --rate can keep busy (the processes share them: more processes than
    --per-host would send more requests to a host than it allows)."""
    fetch = options.fetch
    subjects = len(campaign.products) + len(campaign.landing_pages) + len(campaign.creatives)
    bounds = [_cpu_count(), subjects // AUTO_SUBJECTS_PER_PROCESS, fetch.concurrency,
              fetch.per_host]  # fmt: skip
    if fetch.rate:
        bounds.append(int(fetch.rate // AUTO_RATE_PER_PROCESS))
    return max(1, min(bounds))


class _Jobs(click.ParamType):
    """`--jobs`: a number of processes, 0 (one per CPU) or auto."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.strip().lower() == "auto":
            return "auto"
        return click.IntRange(0, 64).convert(value, param, ctx)


def _run(
    campaign: Campaign,
    options: RunOptions,
    select: list[str] | None,
    ignore: list[str] | None,
    quiet: bool,
    jobs: int = 1,
) -> RunResult:
    from cxlint.catalogue import load_catalogue
    from cxlint.engine import Engine, active_rules
    from cxlint.terminal import ProgressLine, watching

    rules = active_rules(load_catalogue(), campaign, select, ignore)
    show = sys.stderr.isatty() and not quiet  # a CI log gets no redrawn line
    if jobs > 1 and options.shard is None:
        from cxlint.jobs import Progress, context, run_split

        progress = _invocation.engine = Progress(context())
        if not show:
            return run_split(campaign, rules, options, jobs, progress)
        with watching(progress, ProgressLine()):
            return run_split(campaign, rules, options, jobs, progress)
    bar = ProgressLine() if show else None
    engine = _invocation.engine = Engine(campaign, rules, options, progress=bar)
    try:
        return engine.run()
    finally:
        if bar:
            bar.close()


def _emit(
    result: RunResult,
    reports: list[tuple[str, str | None]],
    color: bool | None,
    verbose: bool,
    repo_root: str | None = None,
) -> None:
    from cxlint.catalogue import load_catalogue
    from cxlint.output import write_output
    from cxlint.report import streamer
    from cxlint.terminal import use_colour

    catalogue = load_catalogue()  # the reporters' rule texts and groups
    for fmt, path in reports:
        colour = use_colour(color, sys.stdout.isatty()) and path is None
        data = streamer(fmt)(
            result, color=colour, verbose=verbose, repo_root=repo_root, catalogue=catalogue
        )
        write_output(path, data)
        if path and path != "-":
            _invocation.written.append(path)
            click.echo(f"wrote {fmt} report to {path}", err=True)


def _fetch_options(kw: dict[str, Any]) -> Any:
    from cxlint.fetch import FetchOptions

    options = FetchOptions(
        concurrency=kw["concurrency"],
        per_host=kw["per_host"],
        rate=kw["rate"],
        timeout=kw["timeout"],
        connect_timeout=min(10.0, kw["timeout"]),  # --timeout 2 must not wait 10 s to connect
        retries=kw["retries"],
        respect_robots=kw["robots"],
        verify_tls=kw["verify_tls"],
    )
    if kw["user_agent"]:
        options.user_agent = kw["user_agent"]
    return options


def _catalogue_rules() -> dict[str, Rule]:
    """The catalogue, for the manifest loader to check rule names and options against."""
    from cxlint.catalogue import load_catalogue

    return load_catalogue()


def _complete(name: str) -> Callable[..., Any]:
    """A completion function of cxlint.terminal, imported only when the shell asks."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
        from cxlint import terminal

        return getattr(terminal, name)(ctx, param, incomplete)

    return complete


_REPO_ROOT = click.option(
    "--repo-root",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Name the manifest relative to this folder in SARIF, github and gitlab reports "
    "(default: the git top level above the manifest, else the current folder).",
)


def _check_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by `check` and `demo`."""
    options = [
        click.option(
            "--format", "fmt", type=click.Choice(FORMATS), help="Report format (default text)."
        ),
        click.option("--output", "-o", help="Write the report to this file instead of stdout."),
        click.option(
            "--report",
            "extra_reports",
            multiple=True,
            metavar="FORMAT:PATH",
            help="Also write a report in FORMAT to PATH; repeatable.",
            shell_complete=_complete("complete_report"),
        ),
        click.option(
            "--fail-on",
            type=click.Choice(FAIL_ON),
            default="error",
            show_default=True,
            help="Exit 1 when a finding at or above this severity remains "
            "(new: an error that is not in --baseline).",
        ),
        click.option(
            "--baseline",
            type=click.Path(dir_okay=False),
            default=None,
            metavar="OLD.json",
            help="Mark each finding new or still present against an earlier JSON report, "
            "and list the fixed ones.",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 512),
            default=16,
            show_default=True,
            help="Requests in flight at once.",
        ),
        click.option(
            "--per-host",
            type=click.IntRange(1, 128),
            default=4,
            show_default=True,
            help="Requests in flight at once to one host.",
        ),
        click.option(
            "--rate",
            type=click.FloatRange(min=0.01),
            default=None,
            help="Most requests per second to one host (default: no limit).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=15.0,
            show_default=True,
            help="Seconds to wait for a server to answer.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(0, 10),
            default=2,
            show_default=True,
            help="Retries after a timeout, a refused connection, 429 or 5xx.",
        ),
        click.option("--user-agent", default=None, help="User agent (default cxlint/VERSION)."),
        click.option(
            "--header",
            "-H",
            "headers",
            multiple=True,
            metavar="'NAME: VALUE'",
            help="Extra request header; repeatable. Values never appear in reports.",
        ),
        click.option(
            "--no-robots",
            "robots",
            flag_value=False,
            default=True,
            help="Do not obey robots.txt (only for sites you own).",
        ),
        click.option(
            "--insecure",
            "verify_tls",
            flag_value=False,
            default=True,
            help="Do not verify TLS certificates (self-signed staging servers).",
        ),
        click.option(
            "--select",
            multiple=True,
            metavar="RULES",
            help="Only these rules (comma list).",
            shell_complete=_complete("complete_rule_list"),
        ),
        click.option(
            "--ignore",
            multiple=True,
            metavar="RULES",
            help="Not these rules (comma list).",
            shell_complete=_complete("complete_rule_list"),
        ),
        click.option(
            "--jobs",
            "-j",
            type=_Jobs(),
            default="auto",
            show_default=True,
            help="Processes to check with (auto: one per CPU, at most one per 100 subjects; "
            "0: one per CPU); they share --concurrency, --per-host and --rate.",
        ),
        click.option(
            "--shard",
            default=None,
            metavar="K/N",
            help="Check only shard K of N of the campaign's subjects.",
        ),
        click.option(
            "--cache",
            default=None,
            metavar="DIR",
            type=click.Path(file_okay=False),
            help="Keep validators (ETag, Last-Modified) and page facts in DIR; re-runs ask "
            "for unchanged pages with conditional requests (304) and skip re-reading them.",
        ),
        _REPO_ROOT,
        click.option("--verbose", "-v", is_flag=True, help="Also list the subjects that passed."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar."),
        click.option("--color/--no-color", default=None, help="Colour (default: on a terminal)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _check(
    manifest_path: str | None,
    manifest_text: str | None,
    base_url: str | None,
    staging: bool = False,
    **kw: Any,
) -> int:
    from cxlint import api
    from cxlint.manifest import load_manifest_text, require_subjects
    from cxlint.output import refuse_clobbering

    reports = _reports(kw["fmt"], kw["output"], kw["extra_reports"])
    headers = _parse_headers(kw["headers"])
    _invocation.secrets.extend(headers.values())
    shard = _parse_shard(kw["shard"])
    baseline = _load_baseline(kw["baseline"], kw["fail_on"])
    if manifest_text is not None:  # the demo's own campaign
        campaign = load_manifest_text(
            manifest_text, manifest_path or "<demo>", base_url=base_url, rules=_catalogue_rules()
        )
        require_subjects(campaign)
        campaign.secrets.extend(headers.values())
    else:
        assert manifest_path is not None
        campaign = api.load(manifest_path, base_url=base_url, staging=staging, headers=headers)
    _invocation.secrets = campaign.secrets
    refuse_clobbering(
        [path for _, path in reports], _campaign_inputs(campaign, kw["baseline"], kw["cache"])
    )
    options = api.options(campaign, _fetch_options(kw), headers, shard=shard, cache=kw["cache"])
    jobs = _auto_jobs(campaign, options) if kw["jobs"] == "auto" else kw["jobs"] or _cpu_count()
    result = _run(campaign, options, _split(kw["select"]), _split(kw["ignore"]), kw["quiet"], jobs)
    result = _compare(result, baseline)
    _emit(result, reports, kw["color"], kw["verbose"], kw["repo_root"])
    return _exit_code(result, kw["fail_on"])


# \b keeps click from re-wrapping the lines (it would break --fail-on at its hyphen)
CHECK_EXIT_CODES = """\b
Exit codes:
  0  nothing at or above --fail-on
  1  findings at or above it
  2  the run could not be done as asked (bad manifest, bad option)
  3  the site could not be reached at all (not with --fail-on never)"""


@main.command(epilog=CHECK_EXIT_CODES)
@click.argument("manifest", type=click.Path(dir_okay=False))
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Check this origin (e.g. staging) instead of the manifest's site.url.",
)
@click.option(
    "--staging",
    is_flag=True,
    help="Check the manifest's site.staging (its url, with its credentials) instead of site.url.",
)
@_check_options
@configured
def check(manifest: str, base_url: str | None, staging: bool, **kw: Any) -> None:
    """Check a campaign MANIFEST against its site."""
    sys.exit(_check(manifest, None, base_url, staging, **kw))


# --- demo -------------------------------------------------------------------------------------


@main.command()
@click.option("--serve", is_flag=True, help="Only serve the demo store until interrupted.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=None, help="Port for --serve (default 8642)."
)
@_check_options
def demo(serve: bool, port: int | None, **kw: Any) -> None:
    """Run the whole product on a bundled demo store with the V710 failure planted."""
    from cxlint.demo import campaign_path, campaign_text
    from cxlint.demo.store import DEFAULT_PORT, DemoStore

    text = campaign_text()
    if serve:
        _serve_demo(port if port is not None else DEFAULT_PORT, text)
        return
    html = None
    if not kw["extra_reports"] and not kw["output"]:
        html = Path("cxlint-report.html")
        kw["extra_reports"] = ("json:cxlint-report.json", f"html:{html}")
    with DemoStore() as store:
        base = store.url
        click.echo(f"demo store running at {base}; checking the bundled V710 campaign…", err=True)
        # named by its installed path: its creatives (e-mail, print URLs) resolve beside it
        code = _check(campaign_path(), text, base, **kw)
    if html is not None:
        click.echo(f"open the HTML report: {html.resolve().as_uri()}", err=True)
    sys.exit(code)


def _serve_demo(port: int, text: str) -> None:
    from cxlint.demo import creative_texts
    from cxlint.demo.store import DEFAULT_PORT, DemoStore
    from cxlint.output import write_output

    manifest = Path("cxlint-demo.yaml")

    def ready(base: str) -> None:
        here = f"http://127.0.0.1:{DEFAULT_PORT}"
        folder = Path("cxlint-demo-creatives")  # the campaign's creatives, beside the manifest
        folder.mkdir(exist_ok=True)
        for name, creative in creative_texts().items():
            data = creative.replace(here, base).encode()
            write_output(str(folder / Path(name).name), data, what="file")
        text_here = text.replace("file: creatives/", f"file: {folder}/")
        write_output(str(manifest), text_here.replace(here, base).encode(), what="file")
        click.echo(
            f"demo store at {base}\nmanifest written to {manifest.resolve()}\n"
            f"try: cxlint check {manifest}\npress Ctrl-C to stop",
            err=True,
        )

    try:
        DemoStore().serve_forever(port, on_ready=ready)
    except OSError as exc:
        raise UsageError(f"cannot serve the demo store on port {port}: {exc.strerror}") from None


# --- init -------------------------------------------------------------------------------------


@main.command()
@click.option(
    "--output", "-o", default="campaign.yaml", show_default=True, help="Manifest to write."
)
@click.option("--site-url", metavar="URL", help="The site's address, like https://www.example.com.")
@click.option("--name", help="The campaign's name (default: from --output's file name).")
@click.option("--campaign-id", metavar="ID", help="A short id, often the utm_campaign value.")
@click.option("--phone", help="The phone number landing pages must show.")
@click.option("--products", metavar="FILE", help="Products from a spreadsheet (.csv or .xlsx).")
@click.option("--links", metavar="FILE", help="Landing pages from a spreadsheet (.csv or .xlsx).")
@click.option(
    "--from-url", multiple=True, metavar="URL", help="Draft a product from this page; repeatable."
)
@click.option("--from-sitemap", metavar="URL", help="Draft products from a sitemap's pages.")
@click.option("--match", metavar="PATTERN", help="Only sitemap pages like this (/products/*).")
@click.option(
    "--limit",
    type=click.IntRange(1, 10_000),
    default=50,
    show_default=True,
    help="Most sitemap pages to read.",
)
@click.option("--no-robots", "robots", flag_value=False, default=True, help="Ignore robots.txt.")
@click.option("--force", is_flag=True, help="Replace --output if it exists.")
@click.option(
    "--interactive/--no-input",
    default=None,
    help="Ask for what the flags do not give (default: when run on a terminal).",
)
def init(interactive: bool | None, robots: bool, **kw: Any) -> None:
    """Draft a commented campaign manifest from questions, flags, spreadsheets or the site."""
    from cxlint.authoring import InitOptions
    from cxlint.authoring import init as run_init
    from cxlint.fetch import FetchOptions

    ask = sys.stdin.isatty() if interactive is None else interactive
    run_init(InitOptions(interactive=ask, fetch=FetchOptions(respect_robots=robots), **kw))


# --- the catalogue ----------------------------------------------------------------------------


@main.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json", "markdown")),
    default="table",
    show_default=True,
)
def rules_command(fmt: str) -> None:
    """List every rule with its default severity."""
    from cxlint.catalogue import load_catalogue
    from cxlint.docs import catalogue_json, catalogue_markdown, catalogue_table

    render = {"table": catalogue_table, "json": catalogue_json, "markdown": catalogue_markdown}[fmt]
    click.echo(render(load_catalogue()), nl=False)


@main.command()
@click.argument("rule", shell_complete=_complete("complete_rule"))
def explain(rule: str) -> None:
    """Show one rule's documentation."""
    import difflib

    from cxlint.catalogue import load_catalogue
    from cxlint.docs import rule_text

    catalogue = load_catalogue()
    by_code = {r.code: r for r in catalogue.values() if r.code}
    found = catalogue.get(rule) or by_code.get(rule.upper())
    if found is None:
        close = difflib.get_close_matches(rule, catalogue, n=1)
        raise UsageError(
            f"unknown rule '{rule}'" + (f"; did you mean '{close[0]}'?" if close else "")
        )
    click.echo(rule_text(found), nl=False)


# --- editors and pre-commit -------------------------------------------------------------------


@main.command("schema")
def schema_command() -> None:
    """Print the manifest's JSON Schema (draft-07 keywords, for editors)."""
    from cxlint.output import write_output
    from cxlint.validate import schema_text

    write_output(None, schema_text().encode())  # quiet when `| head` closes the pipe


@main.command()
@click.argument("manifests", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(manifests: tuple[str, ...]) -> None:
    """Check MANIFEST files offline, as `check` does before a run; exit 2 if one is not valid."""
    from cxlint.validate import validate_manifests

    problems = validate_manifests(list(manifests))
    for line in problems:
        click.echo(f"cxlint: error: {line}", err=True)
    if problems:
        sys.exit(EXIT_USAGE)
    click.echo(f"{len(manifests)} manifest{'s' if len(manifests) != 1 else ''} valid", err=True)


# --- saved runs -------------------------------------------------------------------------------


@main.command()
@click.argument("run", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", default=None)
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="never", show_default=True)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="OLD.json",
    help="Compare with an earlier JSON report: new, still present, fixed.",
)
@click.option("--color/--no-color", default=None)
@click.option("--verbose", "-v", is_flag=True)
@_REPO_ROOT
def report(
    run: str,
    fmt: str,
    output: str | None,
    fail_on: str,
    baseline: str | None,
    color: bool | None,
    verbose: bool,
    repo_root: str | None,
) -> None:
    """Render a saved JSON report (RUN.json) in another format."""
    from cxlint.output import refuse_clobbering
    from cxlint.report.json_report import read

    inputs = {baseline: "the baseline this command compares with"} if baseline else {}
    refuse_clobbering([output], {**inputs, run: "the saved report this command reads"})
    old = _load_baseline(baseline, fail_on if baseline else "never")
    result = read(run)
    if old is None and fail_on == "new" and result.baseline is None:
        raise UsageError("--fail-on new needs --baseline OLD.json (or a report made with one)")
    result = _compare(result, old)
    _emit(result, [(fmt, output)], color, verbose, repo_root)
    sys.exit(_exit_code(result, fail_on))


@main.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--output", "-o", default=None, help="Write the merged JSON report here (default stdout)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="json",
    show_default=True,
    help="Format of the merged report; keep json to re-render it later.",
)
@click.option(
    "--report",
    "extra_reports",
    multiple=True,
    metavar="FORMAT:PATH",
    help="Also write the merged report in FORMAT to PATH; repeatable.",
)
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="never", show_default=True)
@_REPO_ROOT
def merge(
    reports: tuple[str, ...],
    output: str | None,
    fmt: str,
    extra_reports: tuple[str, ...],
    fail_on: str,
    repo_root: str | None,
) -> None:
    """Join the JSON reports of shards (check --shard K/N) into one report."""
    from cxlint.output import refuse_clobbering
    from cxlint.report.json_report import read
    from cxlint.results.merge import merge as merge_runs
    from cxlint.results.merge import missing_shards

    wanted = _reports(fmt, output, extra_reports)
    refuse_clobbering(
        [p for _, p in wanted], dict.fromkeys(reports, "one of the reports being merged")
    )
    result = merge_runs([(Path(path).name, read(path)) for path in reports])
    if fail_on == "new" and result.baseline is None:
        raise UsageError("--fail-on new needs shard reports made with --baseline")
    missing = missing_shards(result)
    if missing:
        click.echo(f"cxlint: warning: shard {', '.join(missing)} not merged", err=True)
    _emit(result, wanted, False, False, repo_root)
    sys.exit(_exit_code(result, fail_on))


if __name__ == "__main__":  # pragma: no cover
    main()
