"""Fuzz the JSON API with schemathesis against a live server (``make api-fuzz``; CI runs it too).

A production-mode server (DEBUG off) on a scratch database (SQLite, or the PostgreSQL database given
with ``--database-url``, which is dropped and recreated) loaded with the small demo is
fuzzed twice: with a staff member's token and with a participant's. Every schemathesis check is on,
generated strings may hold NUL bytes and any Unicode. The run fails on any 5xx, any status the
OpenAPI schema does not document, and any response whose body or type differs from the schema.
The operation that revokes a token is left out: it would revoke the token the run uses.

    .venv/bin/python scripts/api_fuzz.py [--max-examples N] [--seed N] [--database-url postgres://…]
"""

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import gunicorn, recreate_database, server_env, sprintlab  # noqa: E402

CONFIG = Path(__file__).with_name("schemathesis.toml")
REPORTS = ROOT / "test-artifacts" / "api-fuzz"
SCHEMA_PATH = "/api/v1/openapi.json"
EXCLUDED_OPERATIONS = ("DELETE /api/v1/me/tokens/{token_id}",)
# gunicorn answers request lines and headers over 8 KB itself, with HTML (as would a proxy in front of
# it): lift its limits so that every answer comes from the application, whose contract is under test.
UNLIMITED_REQUEST_LINES = ("--limit-request-line", "0", "--limit-request-field_size", "0")
# Demo accounts (sprintlab.demo.logins): staff can do everything, the participant holds a registration.
ROLES = {"staff": "staff@example.org", "participant": "participant@example.org"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_env(scratch: Path, database_url: str | None) -> dict[str, str]:
    env = server_env(database_url or "", scratch / "static")
    if database_url:
        recreate_database(database_url)
    else:
        # SQLite through SQLITE_PATH gets the settings' busy timeout, which concurrent workers need.
        del env["DATABASE_URL"]
        env["SQLITE_PATH"] = str(scratch / "fuzz.sqlite3")
    env["SPRINTLAB_VAR_DIR"] = str(scratch)
    # 4xx answers are the point of the run; only errors (with their tracebacks) are worth printing.
    env["LOG_LEVEL"] = "ERROR"
    return env


def api_token(email: str, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "sprintlab.cli", "create_api_token", email, "--name", "api fuzzing"]
    return subprocess.run(command, env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout.strip()


def get_json(port: int, path: str, token: str):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def known_values(port: int, tokens: dict[str, str]) -> dict[str, list]:
    """Slugs and ids that exist, read through the API: without them nearly every case would meet a 404."""
    staff = tokens["staff"]
    slugs = [
        sprint["slug"]
        for when in ("upcoming", "running", "past")
        for sprint in get_json(port, f"/api/v1/sprints?when={when}", staff)["items"][:3]
    ]
    registrations = [r["id"] for r in get_json(port, "/api/v1/registrations/mine", tokens["participant"])]
    for slug in slugs[:2]:
        registrations += [r["id"] for r in get_json(port, f"/api/v1/sprints/{slug}/registrations", staff)["items"][:5]]
    return {
        "sprint_slugs": slugs,
        "site_ids": [site["id"] for site in get_json(port, "/api/v1/site-applications?limit=10", staff)["items"]],
        "registration_ids": registrations,
        "membership_ids": [
            m["id"] for slug in slugs[:2] for m in get_json(port, f"/api/v1/sprints/{slug}/team", staff)
        ],
    }


# Where each kind of known value goes; the rest of the time (and for every other field) schemathesis generates.
PARAMETERS = {
    "path.slug": "sprint_slugs",
    "body.sprint": "sprint_slugs",
    "path.site_id": "site_ids",
    "body.site": "site_ids",
    "path.registration_id": "registration_ids",
    "body.registration": "registration_ids",
    "path.membership_id": "membership_ids",
}


def write_config(path: Path, values: dict[str, list]) -> None:
    """The checked-in settings, plus the known values as dictionaries that parameters draw from."""
    lines = [CONFIG.read_text(), ""]
    for name, entries in values.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(entries)}", ""]
    lines.append("[parameters]")
    lines += [
        f'"{parameter}" = {{ dictionary = "{name}", probability = 0.8 }}'
        for parameter, name in PARAMETERS.items()
        if values[name]
    ]
    path.write_text("\n".join(lines) + "\n")


def schemathesis(role: str, token: str, *, config: Path, port: int, max_examples: int, seed: int | None) -> int:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"http://127.0.0.1:{port}{SCHEMA_PATH}",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "all",
        "--generation-allow-x00",
        "true",
        "--generation-codec",
        "utf-8",
        "--max-examples",
        str(max_examples),
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(REPORTS / f"{role}.xml"),
        "--no-color",
    ]
    for name in EXCLUDED_OPERATIONS:
        command += ["--exclude-name", name]
    if seed is not None:
        command += ["--seed", str(seed)]
    print(f"== schemathesis as {role} ==", flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def print_server_errors(server_log: Path) -> None:
    """The server's errors with their tracebacks; its many warnings about 4xx answers are left in the file."""
    shown = False
    for line in server_log.read_text(errors="replace").splitlines():
        starts_record = line[:4].isdigit() and " " in line
        if starts_record:
            shown = " ERROR " in line or " CRITICAL " in line
        if shown:
            print(line, file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=30, help="Test cases per operation and phase.")
    parser.add_argument("--seed", type=int, help="Repeat a run: schemathesis prints the seed it used.")
    parser.add_argument(
        "--database-url", help="A PostgreSQL database to drop and recreate for the run (default: scratch SQLite)."
    )
    args = parser.parse_args()
    REPORTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sprintlab-api-fuzz-") as scratch:
        env = scratch_env(Path(scratch), args.database_url)
        sprintlab(["migrate", "--no-input", "-v", "0"], env)
        # Production mode serves hashed static files: pages (error pages under /api/ too) need the manifest.
        sprintlab(["collectstatic", "--no-input", "-v", "0"], env)
        sprintlab(["seed_demo", "--scale", "small"], env)
        tokens = {role: api_token(email, env) for role, email in ROLES.items()}
        port = free_port()
        config = Path(scratch) / "schemathesis.toml"
        server_log = REPORTS / "server.log"
        with (
            server_log.open("w") as log_file,
            gunicorn(env, port=port, workers=2, log_file=log_file, extra_args=UNLIMITED_REQUEST_LINES),
        ):
            write_config(config, known_values(port, tokens))
            failures = [
                role
                for role, token in tokens.items()
                if schemathesis(role, token, config=config, port=port, max_examples=args.max_examples, seed=args.seed)
                != 0
            ]
    if failures:
        print_server_errors(server_log)
        print(f"API fuzzing failed as: {', '.join(failures)} (reports and server log in {REPORTS})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
