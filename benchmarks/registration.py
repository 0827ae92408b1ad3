"""Registration load: 1,000 distinct people register for one sprint across 20 limited sites.

50 concurrent clients send the registrations to ``POST /api/v1/registrations`` of a gunicorn
server on PostgreSQL; afterwards SQL checks that no site is over capacity and that every person
has exactly one registration, confirmed or waitlisted.
"""

import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg

from benchmarks.loadclient import Connection
from benchmarks.results import Result
from benchmarks.servers import ROOT, CpuMeter, gunicorn, recreate_database, server_env, sprintlab

SEAT_HOLDING = ("offered", "confirmed")


async def _send_all(port: int, jobs: list[tuple[str, int]], sprint: str, concurrency: int):
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors: list[str] = []

    async def client() -> None:
        connection = Connection("127.0.0.1", port)
        while not queue.empty():
            token, site = queue.get_nowait()
            body = json.dumps(
                {
                    "sprint": sprint,
                    "site": site,
                    "experience_level": "some",
                    "accepted_code_of_conduct": True,
                    "motivation": "Benchmark registration.",
                    "heard_from": "newsletter",
                }
            ).encode()
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            try:
                response = await connection.request("POST", "/api/v1/registrations", headers=headers, body=body)
            except (OSError, asyncio.IncompleteReadError) as exc:
                errors.append(repr(exc))
                await connection.close()
                continue
            latencies.append(response.seconds)
            if response.status in (200, 201):
                statuses[json.loads(response.body)["status"]] += 1
            else:
                errors.append(f"{response.status} {response.body[:200]!r}")
        await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, statuses, errors


def _verify(database_url: str, users: int, sprint: str) -> dict:
    with psycopg.connect(database_url) as conn:
        sprint_id = conn.execute("SELECT id FROM sprints_sprint WHERE slug = %s", [sprint]).fetchone()[0]
        over = conn.execute(
            """SELECT s.id, s.capacity, count(r.id) FROM localsites_localsite s
               JOIN registrations_registration r ON r.site_id = s.id AND r.status = ANY(%s)
               WHERE s.sprint_id = %s GROUP BY s.id, s.capacity HAVING count(r.id) > s.capacity""",
            [list(SEAT_HOLDING), sprint_id],
        ).fetchall()
        per_user = conn.execute(
            "SELECT count(*), count(DISTINCT user_id) FROM registrations_registration WHERE sprint_id = %s", [sprint_id]
        ).fetchone()
        by_status = dict(
            conn.execute(
                "SELECT status, count(*) FROM registrations_registration WHERE sprint_id = %s GROUP BY status",
                [sprint_id],
            ).fetchall()
        )
        seats = conn.execute(
            "SELECT sum(capacity) FROM localsites_localsite WHERE sprint_id = %s", [sprint_id]
        ).fetchone()[0]
    return {
        "sites_over_capacity": len(over),
        "registrations": per_user[0],
        "distinct_people": per_user[1],
        "by_status": by_status,
        "seats": seats,
        "lost_or_doubled": per_user[0] != users or per_user[1] != users,
        "confirmed_plus_waitlisted": by_status.get("confirmed", 0) + by_status.get("waitlisted", 0),
    }


def run(
    *,
    database_url: str,
    port: int,
    workers: int,
    users: int,
    sites: int,
    seats: int,
    concurrency: int,
    static_root: Path,
    worker_class: str = "sync",
    threads: int = 1,
    log=print,
) -> tuple[Result, dict]:
    env = server_env(database_url, static_root)
    log(f"registration: recreating {database_url.rsplit('/', 1)[-1]} and migrating")
    recreate_database(database_url)
    sprintlab(["migrate", "--no-input"], env)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "setup.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.prepare_registration",
                "--users",
                str(users),
                "--sites",
                str(sites),
                "--seats",
                str(seats),
                "--out",
                str(out),
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )
        setup = json.loads(out.read_text())
    rng = random.Random(1000)
    jobs = [(token, rng.choice(setup["sites"])) for token in setup["tokens"]]
    log(f"registration: {users} people, {sites} sites x {seats} seats, {concurrency} clients, {workers} workers")
    with gunicorn(env, port=port, workers=workers, worker_class=worker_class, threads=threads) as server:
        warm_up = setup["warm_up"]
        # Every worker loads its templates and opens its database connection before timing.
        asyncio.run(_send_all(port, [(t, warm_up["site"]) for t in warm_up["tokens"]], warm_up["sprint"], 8))
        meter = CpuMeter(server.pid, database_url)
        before, client_before = meter.snapshot(), time.process_time()
        seconds, latencies, statuses, errors = asyncio.run(_send_all(port, jobs, setup["sprint"], concurrency))
        cpu = {**meter.spent(before, meter.snapshot()), "client": time.process_time() - client_before}
    checks = _verify(database_url, users, setup["sprint"])
    checks["answers"] = dict(statuses)
    checks["error_samples"] = errors[:5]
    result = Result(
        name="POST registration",
        requests=len(latencies),
        seconds=seconds,
        latencies=latencies,
        errors=len(errors),
        cpu=cpu,
        target_rate=250,
        target_p99_ms=300,
        notes=(
            f"/api/v1/registrations, {concurrency} clients; over capacity: {checks['sites_over_capacity']}; "
            "confirmed+waitlisted: "
            f"{checks['confirmed_plus_waitlisted']}/{users}; lost/doubled: {checks['lost_or_doubled']}"
        ),
    )
    if checks["sites_over_capacity"] or checks["lost_or_doubled"] or checks["confirmed_plus_waitlisted"] != users:
        result.errors = max(result.errors, 1)
    return result, checks
