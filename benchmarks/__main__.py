"""``python -m benchmarks``: run the benchmarks and print one table (``make bench``).

Needs PostgreSQL (the databases named below are dropped and recreated or reused) and pgbench,
except ``ranking``, which runs on simulated data alone and prints tables of its own.
Results are also written as JSON to ``var/bench/results.json``.
"""

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks import (
    announcements,
    assignment,
    deadline_rush,
    library,
    outbox,
    pages,
    pairwise_live,
    pgbench,
    ranking,
    registration,
    teamfinder,
)
from benchmarks.results import Result
from benchmarks.servers import ROOT, postgres_version

BENCHMARKS = (
    "registration",
    "pgbench",
    "pages",
    "outbox",
    "announcements",
    "teamfinder",
    "deadline_rush",
    "assignment",
    "ranking",
    "library",
    "pairwise_live",
)
DEFAULT_ANNOUNCEMENTS_DB = "postgres://postgres@127.0.0.1:5432/sprintlab_bench_announcements"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sprintlab_bench"
DEFAULT_PAGES_DB = "postgres://postgres@127.0.0.1:5432/sprintlab_bench_pages"
DEFAULT_OUTBOX_DB = "postgres://postgres@127.0.0.1:5432/sprintlab_bench_outbox"
DEFAULT_FINDER_DB = "postgres://postgres@127.0.0.1:5432/sprintlab_bench_finder"
DEFAULT_RUSH_DB = "postgres://postgres@127.0.0.1:5432/sprintlab_bench_rush"
DEFAULT_PAIRWISE_DB = "postgres://postgres@127.0.0.1:5432/sprintlab_bench_pairwise"


def machine(database_url: str | None) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "postgresql": postgres_version(database_url) if database_url else "not used",
        "python": platform.python_version(),
        # Other work on the machine skews every figure: record how busy it was.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def table(results: list[Result], about: dict) -> Table:
    out = Table(
        title=(
            f"SprintLab benchmarks · {about['cpus']} × {about['cpu']} · {about['memory_gb']} GB · "
            f"PostgreSQL {about['postgresql']} · load {about['load_average_1m']}"
        ),
        title_justify="left",
    )
    columns = (
        "benchmark",
        "requests",
        "per second",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "target",
        "met",
        "CPU ms/req",
        "idle rate/s",
    )
    for column in columns:
        out.add_column(column, justify="left" if column in ("benchmark", "target") else "right")
    for r in results:
        target = (
            f"≥{r.target_rate:g}/s" + (f", p99<{r.target_p99_ms:.0f} ms" if r.target_p99_ms else "")
            if r.target_rate
            else ("–" if r.latencies else "ceiling")
        )
        latencies = [f"{r.p(f):.1f}" for f in (0.5, 0.95, 0.99)] if r.latencies else ["–"] * 3
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "–"}[r.met]
        cpu = r.cpu_ms_per_request()
        idle = r.idle_machine_rate(about["cpus"])
        out.add_row(
            r.name,
            f"{r.requests:,}",
            f"{r.rate:,.0f}",
            *latencies,
            str(r.errors),
            target,
            met,
            f"{cpu:.1f}" if cpu else "–",
            f"{idle:,.0f}" if idle else "–",
        )
    return out


def _databases(args) -> list[tuple[str, str]]:
    """Each benchmark's database, in the order the machine description prefers them."""
    return [
        ("registration", args.database_url),
        ("pgbench", args.database_url),
        ("pages", args.pages_database_url),
        ("outbox", args.outbox_database_url),
        ("announcements", args.announcements_database_url),
        ("teamfinder", args.finder_database_url),
        ("deadline_rush", args.rush_database_url),
        ("pairwise_live", args.pairwise_database_url),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "which",
        nargs="*",
        help="Any of: registration, pgbench, pages, outbox, announcements, teamfinder, deadline_rush, assignment,"
        " ranking, library, pairwise_live (default: all).",
    )
    parser.add_argument("--database-url", default=DEFAULT_DB, help="Registration and pgbench database (recreated).")
    parser.add_argument(
        "--pages-database-url",
        default=DEFAULT_PAGES_DB,
        help="Database with the large demo data (seeded when empty, reused otherwise).",
    )
    parser.add_argument(
        "--outbox-database-url", default=DEFAULT_OUTBOX_DB, help="Database of the outbox benchmark (recreated)."
    )
    parser.add_argument("--messages", type=int, default=10_000, help="Outbox: emails to send in each scenario.")
    parser.add_argument(
        "--task-workers", type=int, default=2, help="Outbox and announcements: sprintlab task-worker processes."
    )
    parser.add_argument(
        "--announcements-database-url", default=DEFAULT_ANNOUNCEMENTS_DB, help="Announcement database (recreated)."
    )
    parser.add_argument("--registrants", type=int, default=announcements.REGISTRANTS, help="Announcement audience.")
    parser.add_argument("--finder-database-url", default=DEFAULT_FINDER_DB, help="Team finder database (recreated).")
    parser.add_argument("--finder-people", type=int, default=3000, help="Team finder: people looking in one sprint.")
    parser.add_argument("--rush-database-url", default=DEFAULT_RUSH_DB, help="Deadline rush database (recreated).")
    parser.add_argument("--rush-teams", type=int, default=300, help="Deadline rush: teams uploading.")
    parser.add_argument("--rush-seconds", type=float, default=120, help="Deadline rush: the window they upload in.")
    parser.add_argument("--rush-workers", type=int, default=4, help="Deadline rush: gunicorn workers.")
    parser.add_argument("--assignment-seed", type=int, default=0, help="Assignment: the instances' seed.")
    parser.add_argument("--ranking-seeds", type=int, default=20, help="Ranking: simulated sprints per method.")
    parser.add_argument("--ranking-pair-seeds", type=int, default=20, help="Ranking: simulated pairwise runs.")
    parser.add_argument("--ranking-review-trials", type=int, default=12, help="Ranking: next-review trials (0: skip).")
    parser.add_argument(
        "--pairwise-database-url", default=DEFAULT_PAIRWISE_DB, help="Pairwise judging database (recreated)."
    )
    parser.add_argument("--pairwise-rounds", type=int, default=pairwise_live.ROUNDS, help="Pairwise: judges' answers.")
    parser.add_argument("--port", type=int, default=8190, help="Port for gunicorn on 127.0.0.1.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for the registration load.")
    parser.add_argument("--pages-workers", type=int, default=2, help="gunicorn workers for the page load.")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0, help="Duration of each page load and of pgbench.")
    parser.add_argument("--no-seed", action="store_true", help="Do not load demo data into the pages database.")
    parser.add_argument(
        "--no-signed-in", action="store_true", help="Pages: only the anonymous rows (no signed-in people's rows)."
    )
    parser.add_argument("--json", default=str(ROOT / "var" / "bench" / "results.json"))
    args = parser.parse_args(argv)
    which = set(args.which or BENCHMARKS)
    if which - set(BENCHMARKS):
        unknown = ", ".join(sorted(which - set(BENCHMARKS)))
        parser.error(f"unknown benchmark {unknown}; choose from {', '.join(BENCHMARKS)}")
    console = Console(width=170)
    static_root = ROOT / "var" / "bench" / "static"
    results: list[Result] = []
    details: dict = {}
    if "registration" in which:
        result, details["registration"] = registration.run(
            database_url=args.database_url,
            port=args.port,
            workers=args.workers,
            users=args.users,
            sites=args.sites,
            seats=args.seats,
            concurrency=args.clients,
            static_root=static_root,
            log=console.log,
        )
        results.append(result)
    if "pgbench" in which:
        ceiling = pgbench.run(database_url=args.database_url, clients=args.clients, seconds=int(args.seconds))
        if ceiling:
            results.append(ceiling)
    if "pages" in which:
        results += pages.run(
            database_url=args.pages_database_url,
            port=args.port + 1,
            workers=args.pages_workers,
            concurrency=args.connections,
            seconds=args.seconds,
            static_root=static_root,
            seed=not args.no_seed,
            signed_in=not args.no_signed_in,
            log=console.log,
        )
    if "outbox" in which:
        outbox_results, details["outbox"] = outbox.run(
            database_url=args.outbox_database_url,
            messages=args.messages,
            workers=args.task_workers,
            log=console.log,
        )
        results += outbox_results
    if "announcements" in which:
        rows, details["announcements"] = announcements.run(
            database_url=args.announcements_database_url,
            registrants=args.registrants,
            workers=args.task_workers,
            log=console.log,
        )
        results += rows
    if "teamfinder" in which:
        finder_results, details["teamfinder"] = teamfinder.run(
            database_url=args.finder_database_url, static_root=static_root, people=args.finder_people, log=console.log
        )
        results += finder_results
    if "deadline_rush" in which:
        rush, details["deadline_rush"] = deadline_rush.run(
            database_url=args.rush_database_url, port=args.port + 2, workers=args.rush_workers,
            teams=args.rush_teams, window=args.rush_seconds, static_root=static_root, log=console.log,
        )  # fmt: skip
        results.append(rush)
    if "assignment" in which:
        assignment_results, details["assignment"] = assignment.run(seed=args.assignment_seed, log=console.log)
        results += assignment_results
    if "ranking" in which:
        details["ranking"] = ranking.run(
            seeds=args.ranking_seeds,
            pair_seeds=args.ranking_pair_seeds,
            review_trials=args.ranking_review_trials,
            log=console.log,
        )
    if "library" in which:
        results += library.run(log=console.log)
    if "pairwise_live" in which:
        pairwise_results, details["pairwise_live"] = pairwise_live.run(
            database_url=args.pairwise_database_url,
            static_root=static_root,
            rounds=args.pairwise_rounds,
            log=console.log,
        )
        results += pairwise_results
    # Assignment, ranking and library need no database: then there is no PostgreSQL version to report.
    about = machine(next((url for name, url in _databases(args) if name in which), None))
    if results or "ranking" not in which:
        console.print(table(results, about))
    else:
        console.print(f"Machine: {about['cpus']} × {about['cpu']} · load {about['load_average_1m']}")
    for r in results:
        if r.notes:
            console.print(f"· {r.name}: {r.notes}")
    if "registration" in details:
        console.print(f"· registration checks: {details['registration']}")
    if "deadline_rush" in details:
        console.print(f"· deadline rush checks: {details['deadline_rush']}")
    if "ranking" in details:
        for quality in ranking.tables(details["ranking"]):
            console.print(quality)
    if "teamfinder" in details:
        for quality in teamfinder.quality_tables(details["teamfinder"]):
            console.print(quality)
        # The latencies are in the rows above; the JSON keeps the rest.
        details["teamfinder"] = {k: v for k, v in details["teamfinder"].items() if not k.endswith("latencies")}
    if "assignment" in details:
        console.print(assignment.quality_table(details["assignment"]))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps(
            {"machine": about, "results": [r.as_json() for r in results], "details": details}, indent=2, default=str
        )
    )
    ranking_met = (
        all(details["ranking"][part]["met"] for part in ("scores", "pairwise")) if "ranking" in details else True
    )
    return 0 if ranking_met and all(r.met is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
