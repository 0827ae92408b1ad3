"""The ceiling: PostgreSQL's own single-row insert rate with pgbench on this machine."""

import re
import shutil
import subprocess
import tempfile
from urllib.parse import urlsplit

import psycopg

from benchmarks.results import Result

SCRIPT = "\\set id random(1, 1000000000)\nINSERT INTO bench_ceiling (id, v) VALUES (:id, 1) ON CONFLICT DO NOTHING;\n"


def run(*, database_url: str, clients: int = 50, seconds: int = 10) -> Result | None:
    if shutil.which("pgbench") is None:
        return None
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_ceiling")
        conn.execute("CREATE TABLE bench_ceiling (id bigint PRIMARY KEY, v integer NOT NULL)")
    parts = urlsplit(database_url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        script.write(SCRIPT)
        script.flush()
        completed = subprocess.run(
            [
                "pgbench",
                "-n",
                "-h",
                parts.hostname or "127.0.0.1",
                "-p",
                str(parts.port or 5432),
                "-U",
                parts.username or "postgres",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(seconds),
                "-f",
                script.name,
                parts.path.lstrip("/"),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_ceiling")
    tps = float(re.search(r"tps = ([\d.]+)", completed.stdout).group(1))
    latency = re.search(r"latency average = ([\d.]+) ms", completed.stdout)
    transactions = int(re.search(r"number of transactions actually processed: (\d+)", completed.stdout).group(1))
    return Result(
        name="pgbench single-row INSERT",
        requests=transactions,
        seconds=transactions / tps,
        notes=(
            f"INSERT … ON CONFLICT DO NOTHING, {clients} clients, persistent connections; "
            f"avg latency {latency.group(1) if latency else '?'} ms"
        ),
    )
