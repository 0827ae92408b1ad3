import csv
import io
import re
from pathlib import Path

import pytest

import sprintlab
from sprintlab.core.csv_export import csv_download, spreadsheet_safe


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("Ada", "Ada"),
        ("", ""),
        (None, ""),
    ],
)
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def test_a_download_is_utf8_with_a_byte_order_mark_and_every_cell_guarded():
    response = csv_download(filename="x.csv", header=["Name", "City"], rows=[["=cmd", "São Paulo"]])
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [["Name", "City"], ["'=cmd", "São Paulo"]]


# The data files of `sprintlab assign` and `sprintlab rank`: formats the issue fixes to the byte
# (plain numbers, or the header `submission,score,low,high`) for programs, not spreadsheets for people,
# so no byte-order mark and no formula guard. Each command reads and writes them in one module.
COMMAND_DATA_FILES = {"judging/assignment/csv_files.py", "judging/ranking/csvfile.py"}


def test_every_csv_export_goes_through_the_one_csv_module():
    """No page writes CSV itself: the byte-order mark and the formula guard live in one place."""
    package = Path(sprintlab.__file__).parent
    own = package / "core" / "csv_export.py"
    writing_csv = re.compile(r"^\s*import csv\b|csv\.writer|text/csv|FORMULA_PREFIXES|\\ufeff", re.MULTILINE)
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path != own
        and str(path.relative_to(package)) not in COMMAND_DATA_FILES
        and writing_csv.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
