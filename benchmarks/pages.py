"""Pages under load: public pages anonymously and signed in, and the signed-in people's own pages.

32 concurrent connections, each opening a new TCP connection per request (``Connection: close``),
for a fixed time per page against gunicorn with two workers on the ``large`` demo data. Each public
page (the sprint list, the open sprint's page and its sites list) is measured anonymously and
signed in as a participant with several registrations, one of them for that sprint; then "My
sprints" as that participant, "Sprints I run" as an organiser and a site's dashboard as its
organiser. Signed-in requests send a session cookie made by ``benchmarks.sessions`` and the CSRF
cookie a browser would send back; a pre-check fails the row unless the page really is the
signed-in page (it offers "Sign out" and no "Sign in").
"""

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

from benchmarks.loadclient import Connection
from benchmarks.results import Result
from benchmarks.servers import ROOT, CpuMeter, ensure_database, get_status, gunicorn, server_env, sprintlab

ANONYMOUS_TARGET = 200  # requests/s, as before signed-in rows existed
SIGNED_IN_TARGET = 250
P99_TARGET_MS = 300


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


def signed_in_people(env: dict[str, str], slug: str) -> dict:
    """Sessions for the participant, the organiser and the site organiser (see ``benchmarks.sessions``)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.sessions", slug], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return json.loads(out.stdout)


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())} if cookies else {}


def signed_in_check(url: str, cookies: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Load ``url`` with ``cookies``; return (what is wrong or "", the cookies plus any the page set).

    A signed-in page has the "Sign out" button and no "Sign in" link; a browser sends back the
    CSRF cookie that signed-in pages set, so the load sends it too.
    """
    request = urllib.request.Request(url, headers=cookie_header(cookies))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
            set_cookies = response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}", cookies
    cookies = dict(cookies)
    for line in set_cookies:
        cookies.update({name: morsel.value for name, morsel in SimpleCookie(line).items()})
    if "Sign out" not in body or ">Sign in<" in body:
        return "not the signed-in page (no Sign out button)", cookies
    return "", cookies


async def _hammer(
    port: int, path: str, *, concurrency: int, seconds: float, headers: dict[str, str] | None = None
) -> tuple[float, list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < deadline:
            connection = Connection("127.0.0.1", port)
            try:
                response = await connection.request("GET", path, headers=headers, keep_alive=False)
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
    signed_in: bool = True,
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
    public = [
        ("sprint list", "/sprints/"),
        ("sprint page", f"/sprints/{slug}/"),
        ("sites list", f"/sprints/{slug}/sites/"),
    ]
    people = signed_in_people(env, slug) if signed_in else {}
    # (row label, path, person or None): each public page anonymously, then signed in; then own pages.
    loads = []
    for label, path in public:
        loads.append((f"GET {label} (anonymous)", path, None))
        if "participant" in people:
            loads.append((f"GET {label} (signed in: participant)", path, people["participant"]))
    for role, person in people.items():
        for label, path in person["paths"]:
            if path not in {p for _label, p in public}:
                loads.append((f"GET {label} (signed in: {role})", path, person))
    results = []
    base_url = f"http://127.0.0.1:{port}"
    with gunicorn(env, port=port, workers=workers) as server:
        meter = CpuMeter(server.pid, database_url)
        for name, path, person in loads:
            # Targets: anonymous pages as before; the participant's pages as issue 7 asks; the
            # organiser home and the site dashboard are measured without one.
            target = (
                ANONYMOUS_TARGET
                if person is None
                else (SIGNED_IN_TARGET if person is people.get("participant") else None)
            )
            row = {"name": name, "target_rate": target, "target_p99_ms": P99_TARGET_MS if target else None}
            headers = {}
            if person is None:
                status = get_status(base_url + path)
                problem = "" if status == 200 else f"HTTP {status}"
            else:
                problem, person["cookies"] = signed_in_check(base_url + path, person["cookies"])
                headers = cookie_header(person["cookies"])
            if problem:
                results.append(Result(requests=0, seconds=0, errors=1, notes=f"{path}: {problem}", **row))
                continue
            who = "" if person is None else f", as {person['email']} ({person['registrations']} registrations)"
            log(f"pages: {name} {path}, {concurrency} connections, {seconds:.0f} s")
            asyncio.run(_hammer(port, path, concurrency=concurrency, seconds=1.0, headers=headers))  # warm-up
            before, client_before = meter.snapshot(), time.process_time()
            elapsed, latencies, errors = asyncio.run(
                _hammer(port, path, concurrency=concurrency, seconds=seconds, headers=headers)
            )
            cpu = {**meter.spent(before, meter.snapshot()), "client": time.process_time() - client_before}
            results.append(
                Result(
                    requests=len(latencies),
                    seconds=elapsed,
                    latencies=latencies,
                    errors=len(errors),
                    cpu=cpu,
                    notes=f"{path}, {concurrency} connections, a new connection per request{who}",
                    **row,
                )
            )
    return results
