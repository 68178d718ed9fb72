"""Reading the engine's inputs from, and writing its mart to, the warehouse.

The warehouse is either a DuckDB file (the default, `WAREHOUSE_PATH`) or a PostgreSQL
database (`IMPACT_WAREHOUSE_URL=postgresql://...`, credentials from the environment).
The mart and its balance table (`marts.mart_learning_impact_balance`, the matching
diagnostics) are replaced in one transaction, so a reader sees the old rows or the new
ones, never a mart from one run beside the balance of another.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd

from impact.engine import BALANCE_COLUMNS, COLUMNS, balance_table
from impact.inputs import ImpactInputs

SCHEMA, TABLE = "marts", "mart_learning_impact"
BALANCE_TABLE = "mart_learning_impact_balance"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
POSTGRES_TYPES = {
    "varchar": "text",
    "double": "double precision",
    "integer": "integer",
    "timestamp": "timestamp",
    "boolean": "boolean",
}


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(POSTGRES_PREFIXES)


@contextlib.contextmanager
def connect(target: str | Path, read_only: bool = False) -> Iterator:
    if is_postgres(target):
        import psycopg2

        connection = psycopg2.connect(str(target))
        connection.autocommit = read_only  # a failed optional read must not abort the rest
        try:
            yield connection
        finally:
            connection.close()
    else:
        import duckdb

        if not Path(target).exists():
            raise FileNotFoundError(f"no warehouse at {target}: build it first (make build)")
        connection = duckdb.connect(str(target), read_only=read_only)
        try:
            yield connection
        finally:
            connection.close()


def read_inputs(target: str | Path, as_of: date | None = None) -> ImpactInputs:
    as_of = as_of or (date.fromisoformat(os.environ["IMPACT_AS_OF"]) if os.environ.get("IMPACT_AS_OF") else None)
    with connect(target, read_only=True) as connection:
        return ImpactInputs.from_warehouse(connection, as_of=as_of)


def _records(frame: pd.DataFrame) -> list[tuple]:
    return [
        tuple(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row)
        for row in frame.itertuples(index=False)
    ]


def write_results(target: str | Path, results: pd.DataFrame, balance: pd.DataFrame | None = None) -> int:
    """Replace `marts.mart_learning_impact` with `results` and
    `marts.mart_learning_impact_balance` with `balance` (default: the table `evaluate`
    attached to `results`, `balance_table(results)`; empty when there is none); returns
    the mart's row count."""
    if balance is None:
        balance = balance_table(results)
    tables = {
        TABLE: (results[list(COLUMNS)], COLUMNS),
        BALANCE_TABLE: (balance[list(BALANCE_COLUMNS)], BALANCE_COLUMNS),
    }
    if is_postgres(target):
        with connect(target) as connection, connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {SCHEMA}")
            for table, (frame, columns) in tables.items():
                definition = ", ".join(f"{name} {POSTGRES_TYPES[kind]}" for name, kind in columns.items())
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.execute(f"drop table if exists {SCHEMA}.{table}")
                cursor.execute(f"create table {SCHEMA}.{table} ({definition})")
                cursor.executemany(f"insert into {SCHEMA}.{table} values ({placeholders})", _records(frame))
            connection.commit()
        return len(results)
    with connect(target) as connection:
        connection.execute("begin transaction")
        connection.execute(f"create schema if not exists {SCHEMA}")
        for table, (frame, columns) in tables.items():
            casts = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in columns.items())
            connection.register("impact_rows", frame)
            connection.execute(f"create or replace table {SCHEMA}.{table} as select {casts} from impact_rows")
            connection.unregister("impact_rows")
        connection.execute("commit")
        return connection.execute(f"select count(*) from {SCHEMA}.{TABLE}").fetchone()[0]
