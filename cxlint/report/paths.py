"""Where a finding is in the repository: the manifest's path relative to the repository root,
as code-scanning (SARIF), GitHub annotations and GitLab Code Quality expect it.

The root is `--repo-root`, else the git top level found by walking up from the manifest for
`.git` (a folder, or a file in a worktree or submodule), else the current folder. Paths in a
run are as cxlint was given them, so they are resolved against the current folder.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath


def find_repo_root(manifest: str | None) -> Path:
    """The git top level above `manifest`, or the current folder when there is none."""
    here = Path.cwd()
    if manifest:
        start = (here / manifest).resolve().parent
        for folder in (start, *start.parents):
            if (folder / ".git").exists():
                return folder
    return here.resolve()


def repo_path(file: str, root: Path) -> str | None:
    """`file` as a POSIX path relative to `root`, or None when it lies outside it."""
    absolute = Path(os.path.normpath(Path.cwd() / file))
    try:
        relative = absolute.relative_to(root.resolve())
    except ValueError:
        try:  # the manifest named through a symlink: compare real paths too
            relative = absolute.resolve().relative_to(root.resolve())
        except ValueError:
            return None
    return PurePath(relative).as_posix()


def located(file: str | None, root: Path) -> str:
    """The path reports name `file` by: relative to the root where it lies inside it, else as
    cxlint was given it (never made absolute: a report must not reveal the machine's folders
    beyond what the user typed)."""
    if not file:
        return ""
    inside = repo_path(file, root)
    return inside if inside is not None else PurePath(os.path.normpath(file)).as_posix()


def root_for(result_manifest: str | None, repo_root: str | None) -> Path:
    """--repo-root when given, else the one found from the manifest."""
    return Path(repo_root).resolve() if repo_root else find_repo_root(result_manifest)


_PACKAGE = Path(__file__).resolve().parents[1]  # the installed cxlint package


def shown_path(file: str) -> str:
    """A manifest's or creative's path as the terminal shows it: relative to the current
    folder when it lies inside it, by its place in the package for the demo's own files
    (never a site-packages path), else as the user typed it."""
    for root in (Path.cwd(), _PACKAGE.parent):
        inside = repo_path(file, root)
        if inside is not None:
            return inside
    return PurePath(os.path.normpath(file)).as_posix()
