"""Writing reports never clobbers a file, through the real `cxlint` against a local site.

Devices, pipes and the process's own streams are written in place (never replaced by a file);
regular files atomically through a temporary file with a random name; symlinks followed only
to a regular file; the manifest, a creative or an input report never overwritten; a report
that cannot be written is one clear line and exit 2, before the run where that is known.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from cxlint.cli import main
from tests.rulecase import serve

SITE = {
    "/p/x1": {"page": {"title": "Phone X1", "h1": "Phone X1", "text": "Model X1"}},
    "/lp/x1": {"page": {"h1": "Spring", "text": "Meet the Phone X1"}},
}
LANDING = "/lp/x1?utm_source=a&utm_medium=b&utm_campaign=t"
QUICK = ["--retries", "0", "--no-robots", "-q", "--format", "json"]


@pytest.fixture
def site(httpserver: HTTPServer) -> str:
    serve(httpserver, SITE)
    return httpserver.url_for("/").rstrip("/")


def write_manifest(folder: Path, base: str, **extra: Any) -> Path:
    manifest = {
        "version": 1,
        "campaign": {"name": "Writing", "id": "t"},
        "site": {"url": base},
        "products": [{"id": "x1", "name": "Phone X1", "model": "X1", "url": "/p/x1"}],
        "landing_pages": [{"url": LANDING, "products": ["x1"]}],
        "rules": {"search-not-found": "off"},
        **extra,
    }
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    return path


def check(manifest: Path, *args: str) -> Any:
    """`cxlint check` in this process (click's runner)."""
    return CliRunner().invoke(main, ["check", str(manifest), *QUICK, *args])


def subprocess_check(manifest: Path, *args: str, **kw: Any) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cxlint", "check", str(manifest), *QUICK, *args],
        capture_output=True, timeout=60, env={**os.environ, "NO_COLOR": "1"}, **kw,
    )  # fmt: skip


def ran(result: Any) -> None:
    """The run happened: exit 0 or 1, no traceback."""
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


def one_line_error(result: Any, *words: str) -> str:
    """Exit 2 with one `cxlint: error:` line holding `words`, and nothing else."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cxlint: error: cannot write report "), lines
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def is_report(data: bytes) -> bool:
    return json.loads(data)["tool"]["name"] == "cxlint"


# --- devices, pipes and streams are written in place ------------------------------------------


def test_dev_null_stays_a_character_device(site: str, tmp_path: Path) -> None:
    """Run as root, replacing /dev/null with a file breaks every program on the machine."""
    before = os.stat("/dev/null")
    assert stat.S_ISCHR(before.st_mode), "/dev/null was not a device before this test"
    ran(check(write_manifest(tmp_path, site), "-o", "/dev/null"))
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode), "the report replaced /dev/null"
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert not [p for p in os.listdir("/dev") if p.endswith(".cxlint-tmp")]


def test_a_character_device_is_written_in_place(site: str, tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:  # a null device of our own, to show what would happen to /dev/null
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("cannot make device nodes here")
    ran(check(write_manifest(tmp_path, site), "-o", str(device)))
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaign.yaml", "null"]


def test_a_named_pipe_gets_the_report(site: str, tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    # Held open for writing, the pipe never blocks its reader's open and gives it end-of-file
    # only once closed: had cxlint replaced the pipe, the reader would end, empty, not hang.
    keeper = os.open(fifo, os.O_RDWR)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        result = check(write_manifest(tmp_path, site), "-o", str(fifo))
    finally:
        os.close(keeper)
    reader.join(10)
    ran(result)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the pipe was replaced by a file"
    assert received and is_report(received[0])


def test_dev_stdout_is_this_process_s_output(site: str, tmp_path: Path) -> None:
    run = subprocess_check(write_manifest(tmp_path, site), "-o", "/dev/stdout")
    assert run.returncode in (0, 1), run.stderr
    assert is_report(run.stdout)
    assert os.path.islink("/dev/stdout")


def test_a_reader_that_stops_early_ends_the_output_quietly(site: str, tmp_path: Path) -> None:
    """`cxlint check … | head`: the run keeps its own exit code and says nothing of a pipe."""
    products = [{"id": "x1", "name": "Phone X1", "model": "X1", "url": "/p/x1"}] + [
        {"id": f"p{i}", "name": f"Phone {i}", "model": f"M{i}", "url": f"/missing/{i}"}
        for i in range(300)  # a JSON report far larger than a pipe's buffer
    ]
    manifest = write_manifest(tmp_path, site, products=products)
    command = [sys.executable, "-m", "cxlint", "check", str(manifest), *QUICK]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as run:
        assert run.stdout is not None and run.stderr is not None
        assert run.stdout.read(10) == b'{\n  "schem'
        run.stdout.close()
        stderr = run.stderr.read().decode()
        code = run.wait(60)
    assert code == 1, stderr  # the missing pages are errors
    assert stderr == "", stderr


def test_dev_fd_n_is_written_and_a_full_disk_is_one_line(site: str, tmp_path: Path) -> None:
    """An open descriptor is written as it is; /dev/full answers every write 'no space'."""
    manifest = write_manifest(tmp_path, site)
    out = tmp_path / "out.json"
    with out.open("wb") as handle:
        fd = handle.fileno()
        run = subprocess_check(manifest, "-o", f"/dev/fd/{fd}", pass_fds=(fd,))
    assert run.returncode in (0, 1), run.stderr
    assert is_report(out.read_bytes())
    with open("/dev/full", "wb") as full:  # writing to it changes nothing
        fd = full.fileno()
        run = subprocess_check(manifest, "-o", f"/dev/fd/{fd}", pass_fds=(fd,))
    assert run.returncode == 2, run.stderr
    assert run.stderr.decode().splitlines() == [
        f"cxlint: error: cannot write report /dev/fd/{fd}: no space left on the device"
    ]


# --- regular files: atomic, through a temporary file nobody can plant -------------------------


def test_a_symlink_planted_at_the_old_temporary_name_is_not_followed(
    site: str, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not cxlint's to write")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / ".report.json.cxlint-tmp").symlink_to(outside)
    ran(check(write_manifest(tmp_path, site), "-o", str(folder / "report.json")))
    assert outside.read_text() == "not cxlint's to write"
    assert (folder / ".report.json.cxlint-tmp").is_symlink()
    assert is_report((folder / "report.json").read_bytes())
    assert sorted(p.name for p in folder.iterdir()) == [".report.json.cxlint-tmp", "report.json"]


def test_a_symlink_to_a_regular_file_gets_the_report_and_stays_a_symlink(
    site: str, tmp_path: Path
) -> None:
    real = tmp_path / "kept" / "latest.json"
    real.parent.mkdir()
    real.write_text("last week's")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    ran(check(write_manifest(tmp_path, site), "-o", str(link)))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert is_report(real.read_bytes())
    assert [p.name for p in real.parent.iterdir()] == ["latest.json"]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a link owned by another user needs root")
def test_a_symlink_another_user_planted_in_a_shared_folder_is_not_followed(
    site: str, tmp_path: Path
) -> None:
    """As the kernel would not follow it (fs.protected_symlinks): in a folder like /tmp,
    another user's link to a file of ours would otherwise get our report written into it."""
    precious = tmp_path / "precious.txt"
    precious.write_text("mine")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # sticky and world-writable, like /tmp
    link = shared / "report.json"
    link.symlink_to(precious)
    os.lchown(link, 65534, 65534)  # planted by nobody
    result = check(write_manifest(tmp_path, site), "-o", str(link))
    one_line_error(result, "a symbolic link another user made in a shared folder")
    assert precious.read_text() == "mine" and link.is_symlink()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.symlink_to(p.parent / "gone.json"), ["gone.json, which does not exist"]),
        (lambda p: p.symlink_to(p.parent), ["a symbolic link to a folder"]),
        (lambda p: p.mkdir(), ["it is a folder"]),
    ],
    ids=["dangling symlink", "symlink to a folder", "a folder"],
)
def test_targets_that_are_no_file_are_refused_before_the_run(
    make: Any, words: list[str], site: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    target = tmp_path / "report.json"
    make(target)
    one_line_error(check(write_manifest(tmp_path, site), "-o", str(target)), *words)
    assert not (tmp_path / "gone.json").exists()
    assert httpserver.log == [], "refused before any request"


def test_permissions_of_a_replaced_report_are_kept_and_a_new_one_follows_the_umask(
    site: str, tmp_path: Path
) -> None:
    manifest = write_manifest(tmp_path, site)
    kept = tmp_path / "kept.json"
    kept.write_text("{}")
    kept.chmod(0o664)  # group-writable: not what the umask would give
    new = tmp_path / "new.json"
    mask = os.umask(0o027)
    try:
        ran(check(manifest, "-o", str(kept), "--report", f"json:{new}"))
    finally:
        os.umask(mask)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o664
    assert stat.S_IMODE(new.stat().st_mode) == 0o640  # 0666 & ~027
    assert is_report(kept.read_bytes()) and is_report(new.read_bytes())


# --- never over what the run reads, nor one report over another -------------------------------


def creative_manifest(tmp_path: Path, site: str) -> tuple[Path, Path]:
    creative = tmp_path / "email.html"
    creative.write_text(f'<p><a href="{site}{LANDING}">Shop the X1</a></p>')
    return write_manifest(tmp_path, site, creatives=[{"file": "email.html"}]), creative


@pytest.mark.parametrize(
    "spell", ["as given", "dotted", "hard link", "symlink"], ids=lambda s: s.replace(" ", "-")
)
def test_the_manifest_is_never_overwritten(
    spell: str, site: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    manifest, _ = creative_manifest(tmp_path, site)
    before = manifest.read_bytes()
    (tmp_path / "sub").mkdir()
    target = {
        "as given": str(manifest),
        "dotted": str(tmp_path / "sub" / ".." / "campaign.yaml"),
        "hard link": str(tmp_path / "linked.yaml"),
        "symlink": str(tmp_path / "sub" / "campaign.yaml"),
    }[spell]
    if spell == "hard link":
        os.link(manifest, target)
    if spell == "symlink":
        os.symlink(manifest, target)
    line = one_line_error(check(manifest, "-o", target), "it is the campaign manifest")
    assert line == f"cxlint: error: cannot write report {target}: it is the campaign manifest"
    assert manifest.read_bytes() == before
    assert httpserver.log == [], "refused before any request"


def test_a_creative_file_is_never_overwritten(site: str, tmp_path: Path) -> None:
    manifest, creative = creative_manifest(tmp_path, site)
    before = creative.read_bytes()
    result = check(manifest, "--report", f"json:{creative}")
    one_line_error(result, str(creative), "it is a creative file this campaign reads")
    assert creative.read_bytes() == before


def test_two_reports_of_one_run_never_share_a_path(site: str, tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, site)
    first, second = tmp_path / "r.json", tmp_path / "sub" / ".." / "r.json"
    (tmp_path / "sub").mkdir()
    result = check(manifest, "-o", str(first), "--report", f"html:{second}")
    one_line_error(result, str(second), f"another report of this run ({first})")
    assert not first.exists()


def test_report_and_merge_never_overwrite_the_reports_they_read(site: str, tmp_path: Path) -> None:
    saved = tmp_path / "run.json"
    ran(check(write_manifest(tmp_path, site), "-o", str(saved)))
    before = saved.read_bytes()
    runner = CliRunner()
    rendered = runner.invoke(main, ["report", str(saved), "--format", "json", "-o", str(saved)])
    one_line_error(rendered, "it is the saved report this command reads")
    merged = runner.invoke(main, ["merge", str(saved), "--report", f"html:{saved}"])
    one_line_error(merged, "it is one of the reports being merged")
    again = runner.invoke(main, ["report", str(saved), "--baseline", str(saved), "-o", str(saved)])
    one_line_error(again, "it is the saved report this command reads")
    assert saved.read_bytes() == before


def test_the_baseline_is_never_overwritten(site: str, tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, site)
    baseline = tmp_path / "last.json"
    ran(check(manifest, "-o", str(baseline)))
    before = baseline.read_bytes()
    result = check(manifest, "--baseline", str(baseline), "-o", str(baseline))
    one_line_error(result, "it is the baseline this run compares with")
    assert baseline.read_bytes() == before


def test_the_cache_database_is_never_overwritten_even_before_it_exists(
    site: str, tmp_path: Path
) -> None:
    manifest = write_manifest(tmp_path, site)
    cache = tmp_path / "cache"
    database = cache / "cxlint-cache.sqlite3"
    for _ in range(2):  # before the file exists, and after a run made it
        result = check(manifest, "--cache", str(cache), "-o", str(database))
        one_line_error(result, "it is the --cache database")
        ran(check(manifest, "--cache", str(cache), "-o", str(tmp_path / "r.json")))
    assert database.read_bytes().startswith(b"SQLite format 3")


# --- folders that cannot take a report: one clear line -----------------------------------------


def test_a_missing_folder_is_one_line_before_the_run(
    site: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    target = tmp_path / "missing" / "report.json"
    result = check(write_manifest(tmp_path, site), "-o", str(target))
    one_line_error(result, f"folder {tmp_path / 'missing'} does not exist")
    assert httpserver.log == [], "refused before any request"


def test_a_folder_that_is_a_file_is_one_line(site: str, tmp_path: Path) -> None:
    """(What a read-only folder looks like to root, for whom chmod stops nothing.)"""
    blocker = tmp_path / "reports"
    blocker.write_text("a file, not a folder")
    result = check(write_manifest(tmp_path, site), "-o", str(blocker / "report.json"))
    one_line_error(result, f"{blocker} is a file, not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_one_line(site: str, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = check(write_manifest(tmp_path, site), "-o", str(folder / "report.json"))
    finally:
        folder.chmod(0o755)
    one_line_error(result, f"no permission to create files in folder {folder}")
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes over read-only files")
def test_a_read_only_report_is_one_line(site: str, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("kept")
    target.chmod(0o444)
    result = check(write_manifest(tmp_path, site), "-o", str(target))
    one_line_error(result, "the file is read-only")
    assert target.read_text() == "kept"


# --- interrupted or failed mid-write ------------------------------------------------------------


def test_a_report_that_fails_mid_write_leaves_the_old_one_whole(tmp_path: Path) -> None:
    from cxlint.output import write_output

    target = tmp_path / "report.json"
    target.write_bytes(b'{"old": true}')

    def pieces() -> Iterator[bytes]:
        yield b'{"new": '
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_output(str(target), pieces())
    assert target.read_bytes() == b'{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
