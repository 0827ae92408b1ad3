"""Databases and gunicorn servers for the benchmarks, always on 127.0.0.1 and always cleaned up."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET_KEY = "benchmark-only-secret-key-not-for-production-0123456789abcdef"


def server_env(database_url: str, static_root: Path, *, settings_module: str = "sprintlab.settings") -> dict[str, str]:
    """Production settings (no DEBUG, no dev mode) except HTTPS, which loopback does not have.

    Tests pass ``sprintlab.settings_test`` so that their servers share the test process's settings."""
    static_root.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key not in ("SPRINTLAB_DEV", "DEBUG", "SQLITE_PATH")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "SECRET_KEY": BENCH_SECRET_KEY,
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "HTTPS": "0",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": str(static_root),
            "API_RATE_LIMIT_PER_MINUTE": "1000000",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
        }
    )
    return env


def sprintlab(args: list[str], env: dict[str, str], *, quiet: bool = True) -> None:
    subprocess.run(
        [sys.executable, "-m", "sprintlab.cli", *args],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def _admin_url(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def recreate_database(database_url: str) -> None:
    admin_url, name = _admin_url(database_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def ensure_database(database_url: str) -> None:
    admin_url, name = _admin_url(database_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def postgres_version(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    port: int,
    workers: int,
    worker_class: str = "sync",
    threads: int = 1,
    log_file=None,
    extra_args: tuple[str, ...] = (),
):
    """Run gunicorn on 127.0.0.1:port until the block ends, then stop it (SIGTERM, then SIGKILL).

    Its output goes to ``log_file`` (an open file) when given, else to this process's."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "sprintlab.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "--graceful-timeout",
        "5",
        *extra_args,
    ]
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=log_file,
        stderr=subprocess.STDOUT if log_file else None,
    )
    try:
        _wait_until_ready(port, process)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_ready(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process, from /proc (0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return children


class CpuMeter:
    """CPU spent by the app server's workers and by PostgreSQL's backends for one database.

    Wall-clock rates depend on whatever else runs on the machine; CPU time per request does not
    (much), so it also gives the rate an otherwise idle machine would reach.
    """

    def __init__(self, server_pid: int, database_url: str):
        self.server_pid, self.database_url = server_pid, database_url

    def _backend_pids(self) -> list[int]:
        _admin, name = _admin_url(self.database_url)
        with psycopg.connect(self.database_url) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
            ).fetchall()
        return [row[0] for row in rows]

    def snapshot(self) -> dict[str, dict[int, float]]:
        app = {pid: _cpu_seconds(pid) for pid in [self.server_pid, *_children(self.server_pid)]}
        db = {pid: _cpu_seconds(pid) for pid in self._backend_pids()}
        return {"app": app, "db": db}

    @staticmethod
    def spent(before: dict, after: dict) -> dict[str, float]:
        return {
            kind: sum(seconds - before[kind].get(pid, 0.0) for pid, seconds in after[kind].items())
            for kind in ("app", "db")
        }
