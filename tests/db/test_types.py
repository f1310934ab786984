"""UTCDateTime on SQLite: exactly the text SQLAlchemy writes, aware UTC read back."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from webapp.db.types import UTCDateTime

WHENS = [
    datetime(2026, 11, 22, 2, 25, tzinfo=UTC),                        # no microseconds
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),                      # a three-digit year
    datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Berlin")),   # another offset
    datetime(2026, 1, 1, tzinfo=ZoneInfo("Europe/London")),           # zero offset, not UTC
    datetime(2026, 6, 1, 12, 0, 0, 999999, tzinfo=timezone(timedelta(hours=-7))),
]


@pytest.mark.parametrize("when", WHENS)
def test_sqlite_times_are_the_text_sqlalchemy_writes(when):
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect)
    text = ours.bind_processor(dialect)(when)
    sqlalchemys = sa.DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert text == sqlalchemys(when.astimezone(UTC).replace(tzinfo=None))
    back = ours.result_processor(dialect, None)(text)
    assert back == when and back.tzinfo is UTC


def test_sqlite_times_in_other_formats_still_read_and_naive_times_are_refused():
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect)
    read = ours.result_processor(dialect, None)
    # What SQLite's own CURRENT_TIMESTAMP and date() write.
    assert read("2026-11-22 02:25:00") == datetime(2026, 11, 22, 2, 25, tzinfo=UTC)
    assert read("2026-11-22") == datetime(2026, 11, 22, tzinfo=UTC)
    assert read(None) is None
    with pytest.raises(ValueError, match="naive"):
        ours.bind_processor(dialect)(datetime(2026, 11, 22))
