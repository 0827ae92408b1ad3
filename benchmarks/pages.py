"""Public pages under load: the sprint list, a sprint page and its sites list, anonymously.

32 concurrent connections, each opening a new TCP connection per request (``Connection: close``),
for a fixed time per page against gunicorn with two workers on the ``large`` demo data.
"""

import asyncio
import time
from pathlib import Path

import psycopg

from benchmarks.loadclient import Connection
from benchmarks.results import Result
from benchmarks.servers import CpuMeter, ensure_database, get_status, gunicorn, server_env, sprintlab


def open_sprint_slug(database_url: str) -> str:
    """The sprint whose registration is open now: the biggest one in the demo data."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            """SELECT slug FROM sprints_sprint WHERE is_published AND registration_opens_at <= now()
               AND kickoff_at > now() ORDER BY kickoff_at LIMIT 1"""
        ).fetchone()
    if row is None:
        raise RuntimeError("No sprint with registration open: load the demo data first.")
    return row[0]


async def _hammer(port: int, path: str, *, concurrency: int, seconds: float) -> tuple[float, list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < deadline:
            connection = Connection("127.0.0.1", port)
            try:
                response = await connection.request("GET", path, keep_alive=False)
            except (OSError, asyncio.IncompleteReadError) as exc:
                errors.append(repr(exc))
                continue
            finally:
                await connection.close()
            latencies.append(response.seconds)
            if response.status != 200:
                errors.append(str(response.status))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors


def run(
    *,
    database_url: str,
    port: int,
    workers: int,
    concurrency: int,
    seconds: float,
    static_root: Path,
    seed: bool = True,
    log=print,
) -> list[Result]:
    env = server_env(database_url, static_root)
    ensure_database(database_url)
    sprintlab(["migrate", "--no-input"], env)
    sprintlab(["collectstatic", "--no-input"], env)
    if seed:
        log("pages: loading the large demo data (skipped when the database already has sprints)")
        sprintlab(["seed-demo", "--scale", "large", "--if-empty"], env, quiet=False)
    slug = open_sprint_slug(database_url)
    pages = [
        ("sprint list", "/sprints/"),
        ("sprint page", f"/sprints/{slug}/"),
        ("sites list", f"/sprints/{slug}/sites/"),
    ]
    results = []
    base_url = f"http://127.0.0.1:{port}"
    with gunicorn(env, port=port, workers=workers) as server:
        meter = CpuMeter(server.pid, database_url)
        for label, path in pages:
            status = get_status(base_url + path)
            if status != 200:
                results.append(
                    Result(
                        name=f"GET {label}",
                        requests=0,
                        seconds=0,
                        errors=1,
                        target_rate=200,
                        target_p99_ms=300,
                        notes=f"{path}: not available, HTTP {status}",
                    )
                )
                continue
            log(f"pages: {label} {path}, {concurrency} connections, {seconds:.0f} s")
            asyncio.run(_hammer(port, path, concurrency=concurrency, seconds=1.0))  # warm-up, not counted
            before, client_before = meter.snapshot(), time.process_time()
            elapsed, latencies, errors = asyncio.run(_hammer(port, path, concurrency=concurrency, seconds=seconds))
            cpu = {**meter.spent(before, meter.snapshot()), "client": time.process_time() - client_before}
            results.append(
                Result(
                    name=f"GET {label}",
                    requests=len(latencies),
                    seconds=elapsed,
                    latencies=latencies,
                    errors=len(errors),
                    cpu=cpu,
                    target_rate=200,
                    target_p99_ms=300,
                    notes=f"{path}, {concurrency} connections, a new connection per request",
                )
            )
    return results
