"""Reading the engine's inputs from, and writing its mart to, the warehouse.

The warehouse is either a DuckDB file (the default, `WAREHOUSE_PATH`) or a PostgreSQL
database (`IMPACT_WAREHOUSE_URL=postgresql://...`, credentials from the environment).
The mart is replaced in one transaction, so a reader sees the old rows or the new ones.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd

from impact.engine import COLUMNS
from impact.inputs import ImpactInputs

SCHEMA, TABLE = "marts", "mart_learning_impact"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
POSTGRES_TYPES = {"varchar": "text", "double": "double precision", "integer": "integer", "timestamp": "timestamp"}


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


def write_results(target: str | Path, results: pd.DataFrame) -> int:
    """Replace `marts.mart_learning_impact` with `results`; returns the row count."""
    results = results[list(COLUMNS)]
    if is_postgres(target):
        columns = ", ".join(f"{name} {POSTGRES_TYPES[kind]}" for name, kind in COLUMNS.items())
        placeholders = ", ".join(["%s"] * len(COLUMNS))
        records = [
            tuple(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row)
            for row in results.itertuples(index=False)
        ]
        with connect(target) as connection, connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {SCHEMA}")
            cursor.execute(f"drop table if exists {SCHEMA}.{TABLE}")
            cursor.execute(f"create table {SCHEMA}.{TABLE} ({columns})")
            cursor.executemany(f"insert into {SCHEMA}.{TABLE} values ({placeholders})", records)
            connection.commit()
        return len(records)
    casts = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in COLUMNS.items())
    with connect(target) as connection:
        connection.register("impact_results", results)
        connection.execute("begin transaction")
        connection.execute(f"create schema if not exists {SCHEMA}")
        connection.execute(f"create or replace table {SCHEMA}.{TABLE} as select {casts} from impact_results")
        connection.execute("commit")
        connection.unregister("impact_results")
        return connection.execute(f"select count(*) from {SCHEMA}.{TABLE}").fetchone()[0]
