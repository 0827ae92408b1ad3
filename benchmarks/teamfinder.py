"""Team finder: suggestions for one of 3,000 people looking in one sprint, and grouping all of them.

Targets (issue 8): the suggestions page answers in under 150 ms of server time (p99 here), and the
grouping of 3,000 solos finishes in under 10 s. The Django side runs in its own process
(``benchmarks.measure_teamfinder``) against a fresh PostgreSQL database; this module prints the
timings as rows of the main table and the quality comparison as a table of its own.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.table import Table

from benchmarks.results import Result
from benchmarks.servers import ROOT, recreate_database, server_env, sprintlab

PAGE_TARGET_MS = 150
GROUPING_TARGET_SECONDS = 10
QUALITY_COLUMNS = ("interest overlap (Jaccard)", "skills one has, other lacks", "shared waking hours")
GROUP_COLUMNS = ("interest overlap (mean Jaccard)", "distinct skills in the group", "hours all share")


def run(*, database_url: str, static_root: Path, people: int = 3000, requests: int = 200, log=print):
    env = server_env(database_url, static_root)
    log(f"teamfinder: recreating {database_url.rsplit('/', 1)[-1]} and migrating")
    recreate_database(database_url)
    sprintlab(["migrate", "--no-input"], env)
    sprintlab(["collectstatic", "--no-input"], env)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "teamfinder.json"
        log(f"teamfinder: {people:,} people looking, {requests} suggestion pages, then the grouping")
        command = [sys.executable, "-m", "benchmarks.measure_teamfinder", "--people", str(people)]
        command += ["--requests", str(requests), "--out", str(out)]
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        figures = json.loads(out.read_text())
    page = Result(
        name=f"finder suggestions page ({people:,} looking)",
        requests=len(figures["page_latencies"]),
        seconds=sum(figures["page_latencies"]),
        latencies=figures["page_latencies"],
        # No rate target: one request at a time, server time only; the target is the p99.
        target_rate=1,
        target_p99_ms=PAGE_TARGET_MS,
        notes=(
            "Django test client in one process: routing, middleware, selector queries, ranking, template; "
            f"CPU of the Django process per request: median {figures['page_cpu_ms_median']} ms, "
            f"p95 {figures['page_cpu_ms_p95']} ms; {figures['page_queries']} queries per page."
        ),
    )
    written = Result(
        name="finder page, a write every 5 requests",
        requests=len(figures["written_page_latencies"]),
        seconds=sum(figures["written_page_latencies"]),
        latencies=figures["written_page_latencies"],
        target_rate=1,
        target_p99_ms=PAGE_TARGET_MS,
        notes=(
            f"{figures['writes']} writes (a card saved through the service, a person joining a team, "
            "alternately), each before a request, untimed; the request after each rebuilds what changed. "
            f"CPU per request: median {figures['written_page_cpu_ms_median']} ms, "
            f"p95 {figures['written_page_cpu_ms_p95']} ms."
        ),
    )
    ranking = Result(
        name="finder ranking alone",
        requests=len(figures["rank_latencies"]),
        seconds=sum(figures["rank_latencies"]),
        latencies=figures["rank_latencies"],
    )
    grouping = Result(
        name=f"grouping {figures['grouped_people']:,} solos",
        requests=1,
        seconds=figures["grouping_seconds"],
        latencies=[figures["grouping_seconds"]],
        target_rate=1 / GROUPING_TARGET_SECONDS,
        target_p99_ms=GROUPING_TARGET_SECONDS * 1000,
        notes=f"{figures['groups']} groups, {figures['left_alone']} left alone; the service with its bulk writes.",
    )
    return [page, written, ranking, grouping], figures


def quality_tables(figures: dict) -> list[Table]:
    pairs = Table(title="Team finder: the viewer and their top suggestion, against a random person (means)")
    groups = Table(title="Grouping: proposed groups, against random groups of the same sizes and places (means)")
    for table, columns, rows in (
        (pairs, QUALITY_COLUMNS, figures["quality"]["pairs"]),
        (groups, GROUP_COLUMNS, figures["quality"]["groups"]),
    ):
        table.add_column("")
        for column in columns:
            table.add_column(column, justify="right")
        for name, values in rows.items():
            table.add_row(name, *(f"{value:.2f}" for value in values))
    return [pairs, groups]
