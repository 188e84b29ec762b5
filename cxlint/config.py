"""Run options set once: `cxlint.toml` or `[tool.cxlint]` in `pyproject.toml`, and CXLINT_*
environment variables, under the command line's flags.

Precedence, for each option: a flag on the command line, else its CXLINT_* variable, else the
configuration file, else cxlint's default. The file is the nearest one found walking up from
the manifest's folder to the repository's top level (the folder holding `.git`): in each
folder `cxlint.toml` (its top-level keys), then `pyproject.toml` with a `[tool.cxlint]`
table; the first found is used whole, never merged with another. Paths in a file (`cache`,
the PATH of `reports`) are relative to the file's folder.

    # cxlint.toml
    rate = 2              # requests per second to one host
    fail-on = "warning"
    select = ["tracking-dropped", "soft-404"]
    reports = ["junit:reports/cxlint.xml", "sarif:reports/cxlint.sarif"]

Environment: CXLINT_ and the key in capitals with `_` for `-` (CXLINT_FAIL_ON=warning,
CXLINT_SELECT=soft-404,tracking-dropped, CXLINT_REPORTS="junit:a.xml sarif:b.sarif").
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from cxlint.errors import UsageError

# key in a file (and, in capitals, after CXLINT_) → the parameter of `cxlint check`
KEYS: dict[str, str] = {
    "concurrency": "concurrency",
    "per-host": "per_host",
    "rate": "rate",
    "timeout": "timeout",
    "retries": "retries",
    "user-agent": "user_agent",
    "fail-on": "fail_on",
    "select": "select",
    "ignore": "ignore",
    "jobs": "jobs",
    "cache": "cache",
    "reports": "extra_reports",
    "repo-root": "repo_root",
}
_PATHS = {"cache", "repo-root"}  # resolved against the configuration file's folder
_LISTS = {"select", "ignore", "reports"}
_STRINGS = {"user-agent", "fail-on", *_PATHS}


@dataclass(frozen=True)
class Setting:
    key: str
    value: Any
    source: str  # "command line", "CXLINT_RATE", "cxlint.toml", "default"


def find_config(manifest: str) -> tuple[Path, dict[str, Any]] | None:
    """The nearest configuration file above the manifest and its cxlint table, if any."""
    folder = (Path.cwd() / manifest).resolve().parent
    for place in (folder, *folder.parents):
        own = place / "cxlint.toml"
        if own.is_file():
            return own, _read(own)
        project = place / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("cxlint")
            if table is not None:
                if not isinstance(table, dict):
                    raise UsageError(f"{_name(project)}: [tool.cxlint] must be a table")
                return project, table
        if (place / ".git").exists():
            break  # the repository's top level: a file above it belongs to something else
    return None


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # here, not at the top: cli.py imports this module for every command

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{_name(path)}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {_name(path)}: {exc}") from None


def _name(path: Path) -> str:
    """The file as messages name it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def apply_config(
    ctx: click.Context,
    manifest: str,
    kw: dict[str, Any],
    env: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[Setting]]:
    """`kw` with each option not given as a flag taken from CXLINT_* or the file, and where
    every configurable option's value came from."""
    env = os.environ if env is None else env
    found = find_config(manifest)
    path, table = found if found else (None, {})
    unknown = sorted(set(table) - set(KEYS))
    if unknown and path is not None:
        import difflib

        close = difflib.get_close_matches(unknown[0], KEYS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(KEYS)}"
        raise UsageError(f"{_name(path)}: unknown key '{unknown[0]}'{hint}")
    params = {p.name: p for p in ctx.command.params}
    out = dict(kw)
    settings = []
    for key, name in KEYS.items():
        param = params[name]
        variable = "CXLINT_" + key.upper().replace("-", "_")
        if ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE:
            settings.append(Setting(key, kw[name], "command line"))
        elif env.get(variable):
            out[name] = _convert(ctx, param, key, _from_env(key, env[variable]), variable)
            settings.append(Setting(key, out[name], variable))
        elif key in table and path is not None:
            raw = _from_file(key, table[key], path)
            out[name] = _convert(ctx, param, key, raw, f"{_name(path)}: {key}")
            settings.append(Setting(key, out[name], _name(path)))
        else:
            settings.append(Setting(key, kw[name], "default"))
    return out, settings


def _from_env(key: str, text: str) -> Any:
    if key == "reports":
        return text.split()
    if key in _LISTS:
        return [text]  # a comma list, as after --select
    return text


def _from_file(key: str, value: Any, path: Path) -> Any:
    where = f"{_name(path)}: {key}"
    if key in _LISTS:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise UsageError(f"{where} must be a list of strings")
        if key == "reports":
            return [_report_here(item, path.parent) for item in items]
        return [",".join(items)]
    if isinstance(value, (dict, list, bool)):
        raise UsageError(f"{where} must be a {'string' if key in _STRINGS else 'number'}")
    if key in _PATHS:
        if not isinstance(value, str):
            raise UsageError(f"{where} must be a path")
        return str(path.parent / value)
    return str(value)


def _report_here(item: str, folder: Path) -> str:
    fmt, colon, target = item.partition(":")
    if colon and target and target != "-" and not os.path.isabs(target):
        target = str(folder / target)
    return f"{fmt}{colon}{target}"


def _convert(ctx: click.Context, param: click.Parameter, key: str, raw: Any, where: str) -> Any:
    """The value as the flag would give it: the option's own type checks and converts it."""
    try:
        return param.type_cast_value(ctx, raw)
    except click.BadParameter as exc:
        raise UsageError(f"{where}: {exc.message}") from None


def show(settings: list[Setting]) -> str:
    """`--show-config`: each option, its value and where it came from, as TOML lines."""
    lines = []
    for s in settings:
        value = s.value
        if isinstance(value, tuple):
            value = list(value)
        text = "(not set)" if value is None or value == [] else _toml(value)
        lines.append(f"{s.key} = {text}  # {s.source}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def configured(command: Callable[..., Any]) -> Callable[..., Any]:
    """Gives a command taking MANIFEST and the run options `--show-config`, and its options
    from CXLINT_* and the configuration file where no flag gave them."""

    @functools.wraps(command)
    def run(*args: Any, show_config: bool, **kw: Any) -> Any:
        kw, settings = apply_config(click.get_current_context(), kw["manifest"], kw)
        if show_config:
            click.echo(show(settings), nl=False)
            return None
        return command(*args, **kw)

    return click.option(
        "--show-config",
        is_flag=True,
        help="Print each run option, its value and where it comes from (flag, CXLINT_* "
        "variable, cxlint.toml or [tool.cxlint]), then exit.",
    )(run)
