"""CSV downloads, written one way for every export: UTF-8 with a byte-order mark (so spreadsheet
programs read "São Paulo" as it is) and every cell guarded against formula injection."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
BYTE_ORDER_MARK = "\ufeff"


def spreadsheet_safe(value) -> str:
    """``value`` as text that a spreadsheet shows literally (a leading quote defuses formulas)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The file line by line: the byte-order mark, the header, then each row with every cell made safe."""
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK
    yield writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def csv_download(*, filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streamed CSV attachment; ``rows`` may be a generator over a queryset's iterator()."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
