"""Reading back times that PostgreSQL can hold but Python cannot.

PostgreSQL stores timestamps from 4713 BC to 294276 AD; Python's datetime covers years 1 to 9999.
A row that holds a time outside Python's range (written before SprintLab checked its window, or by
hand) made every query that reads it fail, so one odd sprint took whole lists down. On PostgreSQL
each connection therefore reads such a time as the nearest time Python can hold; the pages then show
it as out of range (sprintlab.core.dates) and the forms refuse to save it unchanged.
"""

from datetime import UTC, datetime

EARLIEST_READABLE = datetime.min.replace(tzinfo=UTC)
LATEST_READABLE = datetime.max.replace(tzinfo=UTC)


def _is_before_year_one(data) -> bool:
    text = bytes(data)
    return text.endswith(b" BC") or text.startswith(b"-")


def read_out_of_range_times_at_the_edge(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: wrap the connection's timestamptz loader (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    from psycopg import DataError
    from psycopg.pq import Format

    adapters = connection.connection.adapters
    # Django reads results in text format and registers its own (zone-aware) text loader; wrap that.
    current = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    if current is None or getattr(current, "reads_out_of_range_at_the_edge", False):
        return

    class EdgeTolerantLoader(current):
        reads_out_of_range_at_the_edge = True

        def load(self, data):
            try:
                return super().load(data)
            except DataError:
                return EARLIEST_READABLE if _is_before_year_one(data) else LATEST_READABLE

    adapters.register_loader("timestamptz", EdgeTolerantLoader)
