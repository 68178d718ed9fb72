"""Read warehouse tables into pandas frames for validation.

Great Expectations validates these frames through its pandas datasource. We do not use
GX's SQL datasource: over duckdb-engine (GX 1.24) its metric queries return no rows, so
expectations "fail" without reading anything (docs/ARCHITECTURE notes).

Each reader adds the suite's derived columns in SQL while reading, so a check that needs
a query (window, cross-column rule) becomes a plain row-level expectation.

Two warehouses are understood:
- a DuckDB file path (`data/warehouse.duckdb`), opened read-only;
- a PostgreSQL connection string (`postgresql://user@host:5432/db`), session read-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import pandas as pd

POSTGRES_PREFIXES = ("postgresql://", "postgres://")


class TableNotFoundError(LookupError):
    """The table a suite guards is not in the warehouse."""


class WarehouseReader(Protocol):
    dialect: str  # key into a suite's per-dialect derived column SQL

    def table_columns(self, schema: str, table: str) -> list[str]:
        """Column names in table order; raise TableNotFoundError if the table is absent."""

    def read_frame(
        self,
        schema: str,
        table: str,
        columns: Sequence[str] | None,
        derived: Mapping[str, str],
    ) -> pd.DataFrame:
        """`columns` of the table (all when None) plus each derived column."""

    def query(self, sql: str, params: Sequence) -> list[tuple]:
        """Rows of a query whose placeholders are written `{p}`."""

    def close(self) -> None: ...


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select_sql(schema: str, table: str, columns: Sequence[str] | None, derived: Mapping[str, str]) -> str:
    """The one SELECT a reader runs. Derived SQL comes from reviewed suite files."""
    items = ["*"] if columns is None else [quote_identifier(c) for c in columns]
    items += [f"({sql}) as {quote_identifier(name)}" for name, sql in derived.items()]
    if not items:  # only table-level expectations (row count): one constant column is enough
        items = ["1 as _row"]
    return f"select {', '.join(items)} from {quote_identifier(schema)}.{quote_identifier(table)}"


_COLUMNS_SQL = (
    "select column_name from information_schema.columns "
    "where table_schema = {p} and table_name = {p} order by ordinal_position"
)


class DuckDBReader:
    dialect = "duckdb"

    def __init__(self, path: str | Path):
        import duckdb

        path = Path(path)
        if not path.is_file():
            # duckdb would create an empty file in write mode and fail obscurely read-only
            raise FileNotFoundError(f"no DuckDB warehouse at {path}")
        self._con = duckdb.connect(str(path), read_only=True)

    def table_columns(self, schema: str, table: str) -> list[str]:
        rows = self._con.execute(_COLUMNS_SQL.format(p="?"), [schema, table]).fetchall()
        if not rows:
            raise TableNotFoundError(f"table {schema}.{table} not found")
        return [r[0] for r in rows]

    def read_frame(self, schema, table, columns, derived) -> pd.DataFrame:
        return self._con.execute(select_sql(schema, table, columns, derived)).df()

    def query(self, sql: str, params: Sequence) -> list[tuple]:
        return self._con.execute(sql.format(p="?"), list(params)).fetchall()

    def close(self) -> None:
        self._con.close()


class PostgresReader:
    dialect = "postgres"

    def __init__(self, dsn: str):
        import psycopg2

        self._con = psycopg2.connect(dsn)
        self._con.set_session(readonly=True, autocommit=True)

    def table_columns(self, schema: str, table: str) -> list[str]:
        with self._con.cursor() as cur:
            cur.execute(_COLUMNS_SQL.format(p="%s"), (schema, table))
            rows = cur.fetchall()
        if not rows:
            raise TableNotFoundError(f"table {schema}.{table} not found")
        return [r[0] for r in rows]

    def query(self, sql: str, params: Sequence) -> list[tuple]:
        with self._con.cursor() as cur:
            cur.execute(sql.format(p="%s"), list(params) or None)
            return cur.fetchall()

    def read_frame(self, schema, table, columns, derived) -> pd.DataFrame:
        with self._con.cursor() as cur:
            # psycopg2 treats % as a placeholder marker only when parameters are passed
            cur.execute(select_sql(schema, table, columns, derived))
            names = [d.name for d in cur.description]
            frame = pd.DataFrame.from_records(cur.fetchall(), columns=names)
        # numeric comes back as Decimal; GX compares floats and ints more predictably
        for name in frame.columns:
            values = frame[name].dropna()
            if len(values) and all(isinstance(v, Decimal) for v in values):
                frame[name] = frame[name].astype("float64")
        return frame

    def close(self) -> None:
        self._con.close()


def open_reader(warehouse: str | Path) -> WarehouseReader:
    """A reader for a DuckDB file path or a PostgreSQL connection string."""
    text = str(warehouse)
    if text.startswith(POSTGRES_PREFIXES):
        return PostgresReader(text)
    return DuckDBReader(text)
