"""Deadline rush: 300 teams upload a 5 MB PDF within two minutes to a production server on loopback.

Each team's lead sends one multipart ``POST /api/v1/submissions/sprints/{slug}/mine`` at a moment
drawn uniformly over the window (2.5 uploads a second on average, with the bunching chance gives).
Afterwards SQL checks that every team has exactly one version whose SHA-256 is the one sent
(nothing lost, nothing doubled), and the resident memory of gunicorn's processes, sampled every
half second, shows whether uploads were streamed to disk or held in memory: 300 × 5 MB is 1.5 GB.
"""

import asyncio
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from benchmarks.loadclient import Connection
from benchmarks.results import Result
from benchmarks.servers import ROOT, CpuMeter, _children, gunicorn, recreate_database, server_env, sprintlab

PDF_BYTES = 5 * 1024 * 1024
TARGET_P99_MS = 10_000


def big_pdf(size: int = PDF_BYTES) -> bytes:
    """A valid one-page PDF of ``size`` bytes: an unused stream of random (incompressible) bytes fills it."""
    filler = random.Random(5).randbytes(max(0, size - 700))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Deadline rush) Tj ET\nendstream",
        b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def multipart(fields: dict[str, str], file_name: str, data: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="report"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _rss_mb(pid: int) -> float:
    total = 0
    for process in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{process}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


async def _rush(port: int, slug: str, tokens: list[str], window: float, data: bytes, memory: list, server_pid: int):
    rng = random.Random(300)
    starts = sorted(rng.uniform(0, window) for _ in tokens)
    latencies: list[float] = []
    errors: list[str] = []
    began = time.perf_counter()
    done = asyncio.Event()

    async def sample_memory() -> None:
        while not done.is_set():
            memory.append(_rss_mb(server_pid))
            await asyncio.sleep(0.5)

    async def upload(token: str, at: float, n: int) -> None:
        await asyncio.sleep(max(0.0, at - (time.perf_counter() - began)))
        content_type, body = multipart(
            {"title": f"Rush project {n}", "abstract": "Uploaded in the last two minutes.", "info_hazard": "none"},
            f"rush-{n}.pdf",
            data,
        )
        connection = Connection("127.0.0.1", port)
        try:
            response = await connection.request(
                "POST", f"/api/v1/submissions/sprints/{slug}/mine", body=body, keep_alive=False,
                headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
            )  # fmt: skip
        except (OSError, asyncio.IncompleteReadError) as exc:
            errors.append(repr(exc))
            return
        finally:
            await connection.close()
        latencies.append(response.seconds)
        if response.status != 201:
            errors.append(f"{response.status} {response.body[:200]!r}")

    sampler = asyncio.create_task(sample_memory())
    await asyncio.gather(*(upload(token, at, n) for n, (token, at) in enumerate(zip(tokens, starts, strict=True))))
    done.set()
    await sampler
    return time.perf_counter() - began, latencies, errors


def _verify(database_url: str, slug: str, teams: int, digest: str) -> dict:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            """SELECT s.version_count, v.report_sha256, v.report_size FROM submissions_submission s
               JOIN sprints_sprint p ON p.id = s.sprint_id
               JOIN submissions_submissionversion v ON v.submission_id = s.id
               WHERE p.slug = %s""",
            [slug],
        ).fetchall()
    return {
        "submissions": len(rows),
        "lost": teams - len(rows),
        "wrong_digest": sum(1 for _count, sha, _size in rows if sha != digest),
        "not_one_version": sum(1 for count, _sha, _size in rows if count != 1),
    }


def run(*, database_url: str, port: int, workers: int, teams: int, window: float, static_root: Path, log=print):
    private_root = Path(tempfile.mkdtemp(prefix="sprintlab-rush-"))
    env = server_env(database_url, static_root)
    # Tasks wait in the database as in production (no worker here: this measures the uploads).
    env.update({"PRIVATE_MEDIA_ROOT": str(private_root), "TASKS_BACKEND": "database"})
    log(f"deadline rush: recreating {database_url.rsplit('/', 1)[-1]} and migrating")
    recreate_database(database_url)
    sprintlab(["migrate", "--no-input"], env)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "setup.json"
        command = [sys.executable, "-m", "benchmarks.prepare_deadline_rush", "--teams", str(teams), "--out", str(out)]
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        setup = json.loads(out.read_text())
    data = big_pdf()
    digest = hashlib.sha256(data).hexdigest()
    memory: list[float] = []
    with gunicorn(env, port=port, workers=workers) as server:
        baseline = _rss_mb(server.pid)
        meter = CpuMeter(server.pid, database_url)
        before = meter.snapshot()
        log(f"deadline rush: {teams} uploads of {len(data) / 1e6:.1f} MB over {window:.0f} s, {workers} workers")
        seconds, latencies, errors = asyncio.run(
            _rush(port, setup["sprint"], setup["tokens"], window, data, memory, server.pid)
        )
        cpu = CpuMeter.spent(before, meter.snapshot())
        after = _rss_mb(server.pid)
    checks = _verify(database_url, setup["sprint"], teams, digest)
    stored = sum(path.stat().st_size for path in private_root.rglob("*") if path.is_file())
    subprocess.run(["rm", "-rf", str(private_root)], check=False)
    details = {
        **checks,
        "errors": errors[:5],
        "server_rss_mb": {
            "before": round(baseline, 1),
            "peak": round(max(memory, default=0), 1),
            "after": round(after, 1),
        },
        "stored_mb": round(stored / 1e6, 1),
        "uploaded_mb": round(teams * len(data) / 1e6, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    result = Result(
        name=f"deadline rush ({teams} × 5 MB PDF in {window:.0f} s)",
        requests=len(latencies),
        seconds=seconds,
        latencies=latencies,
        errors=len(errors) + checks["lost"] + checks["wrong_digest"] + checks["not_one_version"],
        target_rate=teams / window * 0.9,
        target_p99_ms=TARGET_P99_MS,
        notes=(
            f"{checks['submissions']} of {teams} saved, {checks['lost']} lost; gunicorn RSS "
            f"{details['server_rss_mb']['before']} MB before, {details['server_rss_mb']['peak']} MB at peak, "
            f"{details['server_rss_mb']['after']} MB after ({details['uploaded_mb']:.0f} MB uploaded)."
        ),
        cpu=cpu,
    )
    return result, details
