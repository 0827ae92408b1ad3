"""Scores from a CSV file (``judge,submission,criterion,score``) and the ranking back out as CSV.

Strict on purpose, because a ranking that silently dropped or doubled a score would be trusted
anyway: every problem is a :class:`ScoreError` naming the line, and the caller writes nothing.

* The header must name ``judge``, ``submission``, ``criterion`` and ``score`` (any order, case and
  surrounding spaces ignored); other columns are ignored. A UTF-8 byte-order mark is fine.
* Every row has as many cells as the header; judge, submission and criterion are not blank; the
  score is a finite number within ±``MAX_SCORE`` (``nan``, ``inf``, ``1e999``, ``1e300`` are refused).
  Blank lines are skipped.
* The same judge × submission × criterion twice is refused (not "last wins": a repeated row is far
  more often a bad export or a merge of two files than a deliberate correction); the message names
  both lines.
* NUL characters and quoting errors are refused; lines longer than ``MAX_LINE`` characters and files with more than ``MAX_ROWS`` rows are refused
  before they are held in memory.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path

from sprintlab.core.csv_export import spreadsheet_safe
from sprintlab.judging.ranking.scores import Score, ScoreError
from sprintlab.judging.ranking.uncertainty import Ranking

COLUMNS = ("judge", "submission", "criterion", "score")
OUTPUT_COLUMNS = ("submission", "score", "low", "high")
MAX_LINE = 10_000
MAX_ROWS = 1_000_000
# No judging scale comes near this; beyond it squares overflow and a typo would dominate everything.
MAX_SCORE = 1_000_000


def _lines(handle: io.TextIOBase) -> Iterator[str]:
    number = 0
    while line := handle.readline(MAX_LINE + 1):
        number += 1
        if len(line.rstrip("\r\n")) > MAX_LINE:
            raise ScoreError(f"Line {number} is longer than {MAX_LINE:,} characters; is this the scores file?")
        if "\0" in line:
            raise ScoreError(f"Line {number} contains a NUL character.")
        yield line


def parse_scores(handle: io.TextIOBase) -> list[Score]:
    """Scores from an open text file; :class:`ScoreError` on the first problem (see the module doc)."""
    reader = csv.reader(_lines(handle), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ScoreError("The scores file is empty.")
        names = [cell.strip().lower() for cell in header]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise ScoreError(f"The first line must be the header {','.join(COLUMNS)}; it lacks {', '.join(missing)}.")
        where = {c: names.index(c) for c in COLUMNS}
        scores: list[Score] = []
        seen: dict[tuple[str, str, str], int] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ScoreError(f"Line {line} has {len(row)} cells; the header has {len(header)}.")
            judge, submission, criterion = (row[where[c]].strip() for c in COLUMNS[:3])
            if not (judge and submission and criterion):
                raise ScoreError(f"Line {line}: judge, submission and criterion must not be blank.")
            text = row[where["score"]].strip()
            try:
                value = float(text)
            except ValueError:
                raise ScoreError(f"Line {line}: the score {text[:40]!r} is not a number.") from None
            if not math.isfinite(value):
                raise ScoreError(f"Line {line}: the score {text[:40]!r} is not a finite number.")
            if abs(value) > MAX_SCORE:
                raise ScoreError(f"Line {line}: the score {text[:40]!r} is beyond ±{MAX_SCORE:,}.")
            key = (judge, submission, criterion)
            if key in seen:
                raise ScoreError(
                    f"Line {line} repeats line {seen[key]}: judge {judge} scored {submission} on {criterion} "
                    "twice. Keep one of them."
                )
            seen[key] = line
            scores.append(Score(judge, submission, criterion, value))
            if len(scores) > MAX_ROWS:
                raise ScoreError(f"The file has more than {MAX_ROWS:,} scores.")
    except csv.Error as error:
        raise ScoreError(f"Line {reader.line_num} is not valid CSV ({error}).") from None
    except UnicodeDecodeError:
        raise ScoreError("The scores file is not UTF-8 text.") from None
    if not scores:
        raise ScoreError("The scores file has a header but no scores.")
    return scores


def read_scores(path: Path) -> list[Score]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return parse_scores(handle)
    except OSError as error:
        raise ScoreError(f"Cannot read {path}: {error.strerror or error}.") from None


def ranking_csv(ranking: Ranking) -> str:
    """``submission,score,low,high``, best first; names guarded against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for row in ranking.rows:
        writer.writerow([spreadsheet_safe(row.submission), f"{row.score:.4f}", f"{row.low:.4f}", f"{row.high:.4f}"])
    return out.getvalue()
