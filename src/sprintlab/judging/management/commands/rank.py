"""``sprintlab rank --scores S.csv [--method raw|zscore|calibrated] --out R.csv``: rank judges' scores.

The same code as the judging pages (``judging.ranking``): per-judge totals, the chosen method, a
bootstrap interval per submission and warnings where the top places cannot be told apart. R.csv is
``submission,score,low,high``, best first. Any problem with the input is an error naming the line,
and then nothing is written (R.csv is written to a temporary file and moved into place at the end).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sprintlab.judging.ranking.csvfile import ranking_csv, read_scores
from sprintlab.judging.ranking.disagreement import next_reviews
from sprintlab.judging.ranking.methods import METHODS
from sprintlab.judging.ranking.scores import Criterion, ScoreError, ratings_from_scores
from sprintlab.judging.ranking.uncertainty import rank


def parse_weights(text: str, criteria: list[str]) -> list[Criterion]:
    """``rigour=2,novelty=1``: criteria not named weigh 1; unknown names and bad numbers are refused."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, equals, number = part.partition("=")
        name = name.strip()
        if not equals or not name:
            raise ScoreError(f"--weights: {part!r} is not criterion=weight.")
        if name not in criteria:
            raise ScoreError(f"--weights: no score in the file is on the criterion {name!r}.")
        try:
            weight = float(number)
        except ValueError:
            raise ScoreError(f"--weights: the weight of {name} is not a number.") from None
        if not math.isfinite(weight) or weight < 0:
            raise ScoreError(f"--weights: the weight of {name} must be a finite number, zero or more.")
        weights[name] = weight
    return [Criterion(name, weights.get(name, 1.0)) for name in criteria]


class Command(BaseCommand):
    help = "Rank submissions from a CSV of judges' scores (judge,submission,criterion,score)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scores", required=True, type=Path, help="CSV with the header judge,submission,criterion,score."
        )
        parser.add_argument("--out", required=True, type=Path, help="Where to write submission,score,low,high.")
        parser.add_argument("--method", choices=METHODS, default="calibrated")
        parser.add_argument("--weights", default="", help="criterion=weight,... (unnamed criteria weigh 1).")
        parser.add_argument("--replicates", type=int, default=200, help="Bootstrap replicates (0: no intervals).")
        parser.add_argument("--level", type=float, default=0.90, help="Interval coverage, e.g. 0.9.")
        parser.add_argument("--top", type=int, default=3, help="How many top places the warnings watch.")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, scores: Path, out: Path, method: str, weights: str, **options):
        if not 0 <= options["replicates"] <= 10_000:
            raise CommandError("--replicates must be between 0 and 10000.")
        if not 0 < options["level"] < 1:
            raise CommandError("--level must be between 0 and 1, e.g. 0.9.")
        if options["top"] < 1:
            raise CommandError("--top must be at least 1.")
        if not out.parent.is_dir():
            raise CommandError(f"Cannot write {out}: the folder {out.parent} does not exist.")
        try:
            rows = read_scores(scores)
            criteria = parse_weights(weights, list(dict.fromkeys(s.criterion for s in rows)))
            ratings = ratings_from_scores(rows, criteria)
        except ScoreError as error:
            raise CommandError(str(error)) from None
        ranking = rank(
            ratings,
            method,
            replicates=options["replicates"],
            level=options["level"],
            top=options["top"],
            seed=options["seed"],
        )
        self._write(out, ranking_csv(ranking))
        self.stdout.write(
            f"Ranked {len(ratings.submissions)} submissions from {len(ratings.judges)} judges "
            f"({method}, {options['replicates']} bootstrap replicates) into {out}."
        )
        for warning in ranking.warnings:
            self.stdout.write(f"Warning: {warning}")
        for suggestion in next_reviews(ranking):
            self.stdout.write(f"One more review for {suggestion.submission}: {suggestion.reason}")

    def _write(self, out: Path, text: str) -> None:
        """Write through a temporary file in the same folder, so a failure leaves no half-written file."""
        try:
            handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror or error}.") from None
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.replace(temporary, out)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(f"Cannot write {out}: {error.strerror or error}.") from None
