"""nginx from Debian, run by the benchmark: its own prefix and config, 127.0.0.1, a free port,
in the foreground (no daemon), stopped by the pid in its own pid file."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.benchmarks.store import MODEL_PATTERN

CONFIG = """\
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
daemon off;
{user}
# At N=10,000 linkinator held more than 4,096 connections open to one worker, whatever its
# --concurrency; nginx then dropped some and linkinator reported those pages broken (status 0).
# So: as many connections as the open-file limit allows (no open_file_cache: it holds a file
# descriptor per cached file, and with 40,000 files nginx ran out and answered 404).
worker_rlimit_nofile {files};
events {{ worker_connections {connections}; }}
http {{
    types {{ text/html html; text/css css; text/plain txt; application/xml xml; }}
    default_type text/html;
    charset utf-8;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    etag on;
    keepalive_timeout 120s;
    keepalive_requests 1000000;
    client_body_temp_path {prefix}/body;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        server_name bench;
        root {root};
        # LinkChecker sleeps at least 0.1 s between requests to a host unless the host sends
        # this header; only then does its maxrequestspersecond apply (linkcheck/director).
        add_header LinkChecker benchmark always;
        # /search?q=...MODEL... shows that model's results page; any other query "no results".
        location = /search {{
            if ($arg_q ~ "({model})") {{
                set $model $1;
                rewrite ^ /search/$model.html last;
            }}
            rewrite ^ /search/_empty.html last;
        }}
        location /search/ {{
            internal;
            try_files $uri /search/_empty.html;
        }}
        location / {{
            index index.html;
            try_files $uri $uri.html $uri/ =404;
        }}
    }}
}}
"""


def ensure_installed() -> str:
    """The nginx binary; installs Debian's nginx-light when there is none."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    print("nginx not found: installing Debian's nginx-light (apt-get update + install)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise SystemExit("nginx could not be installed")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """`with Nginx(root, prefix) as server:` serves root at server.base until the block ends."""

    def __init__(self, root: Path, prefix: Path, workers: int | None = None) -> None:
        self.root = root.resolve()
        self.prefix = prefix.resolve()
        self.workers = workers or os.cpu_count() or 1
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Nginx:
        binary = ensure_installed()
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        # Workers drop to nobody when the master runs as root; keep them as root so they can
        # read a store under a private folder (loopback only, static files).
        user = "user root;" if os.geteuid() == 0 else ""
        files = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        files = 65536 if files == resource.RLIM_INFINITY else min(files, 1 << 20)
        config = self.prefix / "nginx.conf"
        config.write_text(
            CONFIG.format(
                workers=self.workers,
                prefix=self.prefix,
                user=user,
                port=self.port,
                root=self.root,
                model=MODEL_PATTERN,
                files=files,
                connections=max(1024, files // 2 - 64),
            )
        )
        command = [binary, "-p", str(self.prefix), "-c", str(config), "-e", "stderr"]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode:
            raise SystemExit(f"nginx rejected its config:\n{check.stderr}")
        log = (self.prefix / "stderr.log").open("wb")
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                log = (self.prefix / "stderr.log").read_text(errors="replace")
                raise SystemExit(f"nginx exited at start:\n{log}")
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("nginx did not answer within 15 s")

    def stop(self) -> None:
        """Stop by the pid in nginx's own pid file (falling back to the master we started)."""
        if self.process is None:
            return
        pid_file = self.prefix / "nginx.pid"
        pid = self.process.pid
        if pid_file.exists():
            text = pid_file.read_text().strip()
            pid = int(text) if text.isdigit() else pid
        try:
            os.kill(pid, signal.SIGTERM)  # nginx: fast shutdown
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def __exit__(self, *exc: object) -> None:
        self.stop()
