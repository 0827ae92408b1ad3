"""Plain numeric CSV files for ``sprintlab assign``: read strictly, write atomically.

No header, one row per submission, one column per judge. Anything else is refused with a sentence that
names the file, the row and the column, before any solving starts.
"""

import csv
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from sprintlab.judging.assignment.problem import InvalidProblem

# Plain decimal numbers only: Python's float() would also take "nan", "inf" and "1_000".
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MAX_BYTES = 256 * 1024 * 1024


def read_matrix(path: Path | str, what: str) -> np.ndarray:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InvalidProblem(f"{what} file {path} cannot be read: {error.strerror}.") from None
    if size > MAX_BYTES:
        raise InvalidProblem(f"{what} file {path} is larger than {MAX_BYTES // 1024 // 1024} MB.")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InvalidProblem(f"{what} file {path} is not a readable UTF-8 CSV file ({error}).") from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # trailing blank lines
    if not rows:
        raise InvalidProblem(f"{what} file {path} is empty.")
    width = len(rows[0])
    values = np.empty((len(rows), width))
    for r, row in enumerate(rows, start=1):
        if len(row) != width:
            raise InvalidProblem(
                f"{what} file {path}: row {r} has {len(row)} values but row 1 has {width}; every row needs one "
                "value per judge."
            )
        for c, cell in enumerate(row, start=1):
            text = cell.strip()
            if not NUMBER.fullmatch(text):
                hint = " (the files have no header row)" if r == 1 else ""
                raise InvalidProblem(f"{what} file {path}: row {r}, column {c} is not a number: {text[:40]!r}{hint}.")
            number = float(text)
            if not np.isfinite(number):
                raise InvalidProblem(f"{what} file {path}: row {r}, column {c} is too large to be a number.")
            values[r - 1, c - 1] = number
    return values


def write_matrix(path: Path | str, chosen: np.ndarray) -> None:
    """Write 0/1 rows, replacing the file only once it is complete."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="") as out:
            csv.writer(out).writerows(chosen.astype(np.int8).tolist())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
