"""Core statements compiled once per dialect and run on the DBAPI cursor.

The ping path is the hottest code in the application, and on it SQLAlchemy's
per-execution work (cache key, execution context, result set-up) cost about
three times what the database spent running the statements. A `Prepared`
statement does that work once per dialect and keeps only what must happen on
every call: filling in the parameters, the column types' own bind processors
(`UTCDateTime` to SQLite's datetime text, say) and their result processors
on the way back.

It runs on the DBAPI connection under an ordinary `sa.Connection`, so it
belongs to that connection's transaction: `engine.begin()` still commits it,
or rolls it back, together with any Core statement run beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar, cast, overload

import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

Row = tuple[Any, ...]  # a statement's rows come back as a NamedTuple class of the caller's
RowT = TypeVar("RowT", bound=Row)


class _Compiled(Generic[RowT]):
    """One statement's SQL text and processors for one dialect."""

    def __init__(self, stmt: sa.ClauseElement, dialect: sa.Dialect,
                 column_keys: Sequence[str] | None, returning: Sequence[sa.Column],
                 row: type[RowT] | None):
        # A DML or SELECT statement compiles to an SQLCompiler, whose binds we read.
        compiled = cast(SQLCompiler, stmt.compile(dialect=dialect, column_keys=column_keys))
        if getattr(compiled, "escaped_bind_names", None):
            raise ValueError("parameter names must not need quoting: "
                             f"{sorted(compiled.escaped_bind_names)}")
        self.sql = compiled.string
        # Literal values inside the statement (the 1 of `n_pings + 1`) are
        # the defaults; every other parameter must be passed.
        self.defaults = {name: bind.value for name, bind in compiled.binds.items()
                         if not bind.required}
        # dialect_impl: the type as this dialect runs it (sa.DateTime becomes
        # SQLite's DATETIME, which stores text); None means "pass as is".
        self.processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                           for name, bind in compiled.binds.items()}
        # A positional paramstyle (SQLite's qmark) takes a tuple in this order;
        # a named one (psycopg's pyformat) takes a dict.
        self.order = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.names = self.order or tuple(compiled.binds)
        self.dialect = dialect
        self.returning = returning
        self.results: list | None = None  # made from the first result's description
        self.row = row

    def parameters(self, params: dict[str, Any]) -> tuple | dict:
        values = []
        for name in self.names:
            value = params[name] if name in params else self.defaults[name]
            process = self.processors[name]
            values.append(value if process is None or value is None else process(value))
        if self.order is None:
            return dict(zip(self.names, values, strict=True))
        return tuple(values)

    def make_row(self, raw: Sequence, description: Sequence) -> RowT:
        if self.row is None:
            raise TypeError("this statement was prepared without a row type: it returns no rows")
        if self.results is None:
            # Some drivers' processors depend on the type the database
            # reported for the column (psycopg's numeric ones do).
            processors = (col.type.dialect_impl(self.dialect).result_processor(self.dialect, d[1])
                          for col, d in zip(self.returning, description, strict=True))
            self.results = [(i, process) for i, process in enumerate(processors) if process]
        values = list(raw)
        for i, process in self.results:
            if values[i] is not None:  # NULL stays None whatever the type
                values[i] = process(values[i])
        return self.row(*values)


class Prepared(Generic[RowT]):
    """A Core statement to run many times with different parameters.

    `column_keys` names the columns an INSERT without .values() sets (every
    call must pass them all). A statement that gives rows (a SELECT, a
    RETURNING clause) names its columns in `returning`, in order, and the
    NamedTuple class `row` its rows come back as, with their Python types;
    the two must name the same columns.
    """

    @overload
    def __init__(self: Prepared[Row], stmt: sa.ClauseElement, *,
                 column_keys: Sequence[str] | None = None) -> None: ...

    @overload
    def __init__(self, stmt: sa.ClauseElement, *, column_keys: Sequence[str] | None = None,
                 returning: Sequence[sa.Column], row: type[RowT]) -> None: ...

    def __init__(self, stmt: sa.ClauseElement, *, column_keys: Sequence[str] | None = None,
                 returning: Sequence[sa.Column] = (), row: type[RowT] | None = None):
        keys = tuple(col.key for col in returning)
        if row is not None and getattr(row, "_fields", None) != keys:
            raise ValueError(f"{row.__name__} must be a NamedTuple of the columns {keys}")
        self.stmt = stmt
        self.column_keys = column_keys
        self.returning = tuple(returning)
        self.row = row
        self._compiled: dict[tuple, _Compiled[RowT]] = {}

    def _for(self, dialect: sa.Dialect) -> _Compiled[RowT]:
        key = (type(dialect), dialect.paramstyle)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(self.stmt, dialect, self.column_keys,
                                                       self.returning, self.row)
        return compiled

    def _run(self, conn: sa.Connection, params: dict[str, Any]) -> tuple[_Compiled[RowT], Any]:
        compiled = self._for(conn.dialect)
        dbapi_connection = conn.connection.dbapi_connection
        if dbapi_connection is None:
            raise sa.exc.ResourceClosedError("the connection is closed")
        cursor = dbapi_connection.cursor()
        values = compiled.parameters(params)
        try:
            cursor.execute(compiled.sql, values)
        except conn.dialect.loaded_dbapi.Error as e:
            # The driver's own error, as SQLAlchemy would have raised it
            # (OperationalError for "database is locked"), so callers need
            # to know one family of errors, and whether the connection died.
            lost = conn.dialect.is_disconnect(e, dbapi_connection, cursor)
            cursor.close()
            if lost:
                # Tell SQLAlchemy, as its own execute would: it then neither
                # rolls back on the dead connection nor hands it out again.
                conn.invalidate(e)
            raise sa.exc.DBAPIError.instance(compiled.sql, values, e,
                                             conn.dialect.loaded_dbapi.Error,
                                             connection_invalidated=lost,
                                             dialect=conn.dialect) from e
        return compiled, cursor

    def execute(self, conn: sa.Connection, params: dict[str, Any]) -> int:
        """Run it; the number of rows it touched."""
        _, cursor = self._run(conn, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def first(self, conn: sa.Connection, params: dict[str, Any]) -> RowT | None:
        """Run it; its first row (of a SELECT or a RETURNING clause), typed, or None."""
        compiled, cursor = self._run(conn, params)
        try:
            raw = cursor.fetchone()
            # SQLite finishes an UPDATE ... RETURNING only once every row is read.
            cursor.fetchall()
            return None if raw is None else compiled.make_row(raw, cursor.description)
        finally:
            cursor.close()

    def one(self, conn: sa.Connection, params: dict[str, Any]) -> RowT:
        """Run it; its one row (of an INSERT ... RETURNING, say), typed."""
        row = self.first(conn, params)
        if row is None:
            raise sa.exc.NoResultFound("the statement returned no row")
        return row
