"""``sprintlab assign``: reviewer assignment on an instance from plain CSV files (see docs/judging.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sprintlab.judging.assignment import InvalidProblem, Problem, assign
from sprintlab.judging.assignment.bounds import strong_pair_bound, weakest_bound
from sprintlab.judging.assignment.csv_files import read_matrix, write_matrix


class Command(BaseCommand):
    help = (
        "Assign k judges to every submission within a load cap, never a conflicted pair, maximising total "
        "affinity (and, with --fairness, the weakest submission's total too). Files: plain numeric CSV, no "
        "header, one row per submission, one column per judge."
    )

    def add_arguments(self, parser):
        parser.add_argument("--affinity", required=True, help="Affinity matrix CSV (numbers).")
        parser.add_argument("--conflicts", help="Conflict matrix CSV of the same shape (0 or 1).")
        parser.add_argument("--k", type=int, required=True, help="Reviews per submission.")
        parser.add_argument("--cap", type=int, required=True, help="Most submissions one judge reviews.")
        parser.add_argument("--fairness", action="store_true", help="Also lift the weakest submission's total.")
        parser.add_argument("--out", required=True, help="Where to write the 0/1 assignment CSV.")
        parser.add_argument("--seed", type=int, default=0, help="Seed for the solver's tie-breaking shortlist.")
        parser.add_argument("--bound", action="store_true", help="Also print the LP upper bound on the weakest total.")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"The folder for --out, {out.parent}, does not exist.")
        try:
            affinity = read_matrix(options["affinity"], "The affinity")
            conflicts = read_matrix(options["conflicts"], "The conflicts") if options["conflicts"] else None
            problem = Problem.build(
                affinity, k=options["k"], cap=options["cap"], conflicts=conflicts, seed=options["seed"]
            )
            result = assign(problem, fairness=options["fairness"])
        except InvalidProblem as error:
            raise CommandError(str(error)) from None
        write_matrix(out, result.chosen)
        submissions, judges = problem.shape
        self.stdout.write(f"{submissions} submissions × {judges} judges, k = {problem.k}, cap = {problem.cap}")
        self.stdout.write(f"mode: {result.mode}")
        self.stdout.write(f"time: {result.seconds:.3f} s")
        self.stdout.write(f"total affinity: {result.total:.6f}")
        self.stdout.write(f"weakest submission's total: {result.weakest:.6f}")
        if result.mode != "max-total":
            self.stdout.write(f"max-total optimum: {result.max_total:.6f}")
        if options["bound"]:
            bound = weakest_bound(problem, result.chosen).upper
            self.stdout.write(f"LP bound on the weakest total: {bound:.6f}")
            integral = strong_pair_bound(problem)
            if integral and integral[0] < bound:
                bound = integral[0]
                self.stdout.write(
                    f"integral bound on the weakest total: {bound:.6f} (not every submission can have a pair "
                    f"of affinity ≥ {integral[1]:.6f})"
                )
            if bound > 0:
                self.stdout.write(f"weakest at {100 * result.weakest / bound:.1f}% of the bound")
        self.stdout.write(f"written: {out}")
