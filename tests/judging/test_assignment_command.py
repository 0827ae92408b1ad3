"""``sprintlab assign``: the happy path writes a 0/1 matrix of the right shape; every bad file is refused
with a clear message, a non-zero exit and nothing written."""

import os
import subprocess
import sys
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from sprintlab.judging.assignment import instances


def write(path, text):
    path.write_text(text)
    return path


def save(path, matrix, fmt="%.6f"):
    np.savetxt(path, matrix, delimiter=",", fmt=fmt)
    return path


@pytest.fixture
def instance(tmp_path):
    affinity, conflicts = instances.uniform(30, 10, seed=3)
    return save(tmp_path / "A.csv", affinity), save(tmp_path / "C.csv", conflicts.astype(int), "%d"), conflicts


def run(*args):
    out = StringIO()
    call_command("assign", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("fairness", [[], ["--fairness"]])
def test_happy_path_writes_the_assignment(tmp_path, instance, fairness):
    a, c, conflicts = instance
    out = tmp_path / "X.csv"
    printed = run("--affinity", a, "--conflicts", c, "--k", 3, "--cap", 10, "--out", out, "--bound", *fairness)
    chosen = np.loadtxt(out, delimiter=",", dtype=int)
    assert chosen.shape == (30, 10)
    assert set(np.unique(chosen)) <= {0, 1}
    assert (chosen.sum(axis=1) == 3).all() and chosen.sum(axis=0).max() <= 10
    assert not (chosen.astype(bool) & conflicts).any()
    for line in ("time:", "total affinity:", "weakest submission's total:", "LP bound on the weakest total:"):
        assert line in printed


def test_conflicts_are_optional(tmp_path, instance):
    out = tmp_path / "X.csv"
    run("--affinity", instance[0], "--k", 2, "--cap", 6, "--out", out)
    assert np.loadtxt(out, delimiter=",").shape == (30, 10)


GOOD = "0.5,0.2,0.9\n0.1,0.8,0.3\n0.4,0.4,0.6\n"
ZEROS = "0,0,0\n0,0,0\n0,0,0\n"


@pytest.mark.parametrize(
    ("affinity", "conflicts", "k", "cap", "message"),
    [
        ("0.5,0.2,0.9\n0.1,0.8\n0.4,0.4,0.6\n", ZEROS, 1, 3, "row 2 has 2 values but row 1 has 3"),
        ("0.5,abc,0.9\n0.1,0.8,0.3\n0.4,0.4,0.6\n", ZEROS, 1, 3, "row 1, column 2 is not a number"),
        ("0.5,nan,0.9\n0.1,0.8,0.3\n0.4,0.4,0.6\n", ZEROS, 1, 3, "is not a number"),
        ("0.5,inf,0.9\n0.1,0.8,0.3\n0.4,0.4,0.6\n", ZEROS, 1, 3, "is not a number"),
        ("0.5,1_0,0.9\n0.1,0.8,0.3\n0.4,0.4,0.6\n", ZEROS, 1, 3, "is not a number"),
        ("0.5,1e400,0.9\n0.1,0.8,0.3\n0.4,0.4,0.6\n", ZEROS, 1, 3, "too large"),
        ("0.5,1e300,0.9\n0.1,0.8,0.3\n0.4,0.4,0.6\n", ZEROS, 1, 3, "Affinities must lie between"),
        ("j1,j2,j3\n" + GOOD, ZEROS, 1, 3, "no header row"),
        ("", ZEROS, 1, 3, "is empty"),
        ("\n\n", ZEROS, 1, 3, "is empty"),
        (GOOD, "0,0,0\n0,0,0\n", 1, 3, "is 2×3 but the affinity matrix is 3×3"),
        (GOOD, "0,0,0\n0,2,0\n0,0,0\n", 1, 3, "row 2, column 2 must be 0 or 1"),
        (GOOD, "0,0,0\n0,0.5,0\n0,0,0\n", 1, 3, "must be 0 or 1"),
        (GOOD, ZEROS, 4, 3, "only 3 judges"),
        (GOOD, ZEROS, 0, 3, "at least 1"),
        (GOOD, ZEROS, 2, 1, "raise the cap or add judges"),
        (GOOD, "1,1,0\n0,0,0\n0,0,0\n", 2, 3, "Submission 1 has only 1 judges"),
        (GOOD, "0,1,1\n0,1,1\n0,0,0\n", 1, 1, "room for 2 of the 3 reviews"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(tmp_path, affinity, conflicts, k, cap, message):
    a, c = write(tmp_path / "A.csv", affinity), write(tmp_path / "C.csv", conflicts)
    out = tmp_path / "X.csv"
    with pytest.raises(CommandError, match=message):
        run("--affinity", a, "--conflicts", c, "--k", k, "--cap", cap, "--out", out)
    assert not out.exists()
    assert {p.name for p in tmp_path.iterdir()} == {"A.csv", "C.csv"}  # no temporary file left either


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run("--affinity", tmp_path / "none.csv", "--k", 1, "--cap", 1, "--out", tmp_path / "X.csv")
    a = write(tmp_path / "A.csv", GOOD)
    with pytest.raises(CommandError, match="does not exist"):
        run("--affinity", a, "--k", 1, "--cap", 1, "--out", tmp_path / "no" / "X.csv")


def test_an_existing_output_is_left_alone_on_refusal(tmp_path):
    out = write(tmp_path / "X.csv", "previous")
    a = write(tmp_path / "A.csv", "0.5,x\n")
    with pytest.raises(CommandError):
        run("--affinity", a, "--k", 1, "--cap", 1, "--out", out)
    assert out.read_text() == "previous"


def test_the_command_line_exits_non_zero(tmp_path):
    a = write(tmp_path / "A.csv", "0.5,0.2\n0.1\n")
    out = tmp_path / "X.csv"
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "sprintlab.settings_test"}
    command = [sys.executable, "-m", "sprintlab.cli", "assign", "--affinity", str(a), "--k", "1", "--cap", "1"]
    finished = subprocess.run([*command, "--out", str(out)], env=env, capture_output=True, text=True, check=False)
    assert finished.returncode != 0
    assert "row 2 has 1 values but row 1 has 2" in finished.stderr
    assert not out.exists()
