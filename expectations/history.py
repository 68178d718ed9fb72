"""Validation results and quarantine counts, kept per run in the warehouse (`quality` schema).

Every validation (a Dagster asset check, `make check`) appends its outcome here, so the
Data Health dashboard can chart them and the next run can compare row counts:

- `quality.results`: one row per expectation per suite per run (plus one `table_readable`
  row when a table could not be read);
- `quality.quarantine_counts`: per run, the rows of each raw schema's `quarantine` table
  by source, resource and reason.

Writes are idempotent per run id: a run's rows for the suites (schemas) it validated are
replaced, never duplicated. Reading happens on the read-only connection the validation
uses; writing opens the warehouse read-write only for the append (DuckDB allows one
writing process), after the reader has been closed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.readers import POSTGRES_PREFIXES, WarehouseReader

if TYPE_CHECKING:
    from expectations.runner import SuiteResult

SCHEMA = "quality"
RESULTS_TABLE = f"{SCHEMA}.results"
QUARANTINE_COUNTS_TABLE = f"{SCHEMA}.quarantine_counts"
READ_ERROR_EXPECTATION = "table_readable"

# Portable DDL (DuckDB and PostgreSQL).
RESULTS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "varchar"),  # Dagster run id, or `cli-...` for `make check`
    ("checked_at", "timestamp with time zone"),
    ("invoked_by", "varchar"),  # dagster | cli
    ("suite", "varchar"),  # <schema>.<table>
    ("schema_name", "varchar"),
    ("table_name", "varchar"),
    ("expectation_index", "integer"),  # position in the suite file, 1-based; 0 = table_readable
    ("expectation", "varchar"),  # GX expectation type
    ("column_name", "varchar"),  # `id`, `a, b` for compound, null for table-level
    ("severity", "varchar"),  # error | warn
    ("success", "boolean"),
    ("observed_value", "varchar"),  # JSON
    ("unexpected_count", "bigint"),
    ("element_count", "bigint"),
    ("row_count", "bigint"),  # rows of the table at this run (the row-count-change baseline)
    ("kwargs", "varchar"),  # JSON, parameters resolved
    ("details", "varchar"),  # one readable line: `3 of 120 rows unexpected, e.g. [7]`
)
QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "varchar"),
    ("checked_at", "timestamp with time zone"),
    ("schema_name", "varchar"),
    ("source", "varchar"),
    ("resource", "varchar"),
    ("reason", "varchar"),
    ("record_count", "bigint"),
)


@dataclass(frozen=True)
class QuarantineCount:
    schema: str
    source: str | None
    resource: str | None
    reason: str | None
    record_count: int


def _table_exists(reader: WarehouseReader, schema: str, table: str) -> bool:
    sql = "select count(*) from information_schema.tables where table_schema = {p} and table_name = {p}"
    return reader.query(sql, [schema, table])[0][0] > 0


def previous_row_counts(reader: WarehouseReader, suites: Sequence[str], run_id: str) -> dict[str, int]:
    """Each suite's row count at its newest recorded run other than `run_id`."""
    if not suites or not _table_exists(reader, SCHEMA, "results"):
        return {}
    marks = ", ".join("{p}" for _ in suites)
    rows = reader.query(
        f"select suite, row_count from (select suite, row_count, row_number() over "
        f"(partition by suite order by checked_at desc, run_id desc) as rn from {RESULTS_TABLE} "
        f"where run_id <> {{p}} and row_count is not null and suite in ({marks})) as ranked where rn = 1",
        [run_id, *suites],
    )
    return {suite: int(count) for suite, count in rows}


def raw_schemas_with_quarantine(reader: WarehouseReader) -> list[str]:
    rows = reader.query(
        "select table_schema from information_schema.tables where table_name = 'quarantine' "
        "and table_schema like 'raw%' order by table_schema",
        [],
    )
    # dlt's `<dataset>_staging` schemas hold merge batches, not the loaded data
    return [r[0] for r in rows if not r[0].endswith("_staging")]


def quarantine_counts(reader: WarehouseReader, schemas: Sequence[str]) -> list[QuarantineCount]:
    """Quarantined records by source, resource and reason in each schema that has a quarantine table."""
    counts = []
    present = set(raw_schemas_with_quarantine(reader))
    for schema in schemas:
        if schema not in present:
            continue
        # rows a later load accepted stay in the quarantine as history, marked resolved
        resolvable = reader.query(
            "select count(*) from information_schema.columns where table_schema = {p} "
            "and table_name = 'quarantine' and column_name = 'resolved_at'",
            [schema],
        )[0][0]
        rows = reader.query(
            f'select source, resource, reason, count(*) from "{schema}".quarantine '
            + ("where resolved_at is null " if resolvable else "")
            + "group by source, resource, reason order by source, resource, reason",
            [],
        )
        counts += [QuarantineCount(schema, s, r, why, int(n)) for s, r, why, n in rows]
    return counts


def result_rows(
    results: Sequence[SuiteResult], run_id: str, checked_at: datetime, invoked_by: str
) -> list[tuple[Any, ...]]:
    rows = []
    for result in results:
        base = (run_id, checked_at, invoked_by, result.suite, result.schema, result.table)
        if result.error:
            rows.append(
                (*base, 0, READ_ERROR_EXPECTATION, None, "error", False, None, None, None, None, None, result.error)
            )
        for index, outcome in enumerate(result.expectations, start=1):
            rows.append(
                (
                    *base,
                    index,
                    outcome.expectation_type,
                    outcome.column,
                    outcome.severity,
                    outcome.success,
                    _json(outcome.observed_value),
                    outcome.unexpected_count,
                    outcome.element_count,
                    result.row_count,
                    _json(outcome.kwargs),
                    outcome.describe(),
                )
            )
    return rows


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, sort_keys=True)


def record(
    warehouse: str | Path,
    run_id: str,
    checked_at: datetime,
    invoked_by: str,
    results: Sequence[SuiteResult],
    quarantine: Sequence[QuarantineCount],
    quarantine_schemas: Sequence[str],
) -> None:
    """Replace this run's rows for these suites (and quarantine schemas) in the warehouse."""
    postgres = str(warehouse).startswith(POSTGRES_PREFIXES)
    writer = _PostgresWriter(warehouse) if postgres else _DuckDBWriter(warehouse)
    try:
        writer.execute(f"create schema if not exists {SCHEMA}")
        for table, columns in ((RESULTS_TABLE, RESULTS_COLUMNS), (QUARANTINE_COUNTS_TABLE, QUARANTINE_COLUMNS)):
            writer.execute(f"create table if not exists {table} ({', '.join(f'{n} {t}' for n, t in columns)})")
        suites = [r.suite for r in results]
        if suites:
            writer.execute(
                f"delete from {RESULTS_TABLE} where run_id = {{p}} and suite in ({', '.join('{p}' for _ in suites)})",
                [run_id, *suites],
            )
        rows = result_rows(results, run_id, checked_at, invoked_by)
        writer.insert(RESULTS_TABLE, len(RESULTS_COLUMNS), rows)
        if quarantine_schemas:
            writer.execute(
                f"delete from {QUARANTINE_COUNTS_TABLE} where run_id = {{p}} "
                f"and schema_name in ({', '.join('{p}' for _ in quarantine_schemas)})",
                [run_id, *quarantine_schemas],
            )
        writer.insert(
            QUARANTINE_COUNTS_TABLE,
            len(QUARANTINE_COLUMNS),
            [(run_id, checked_at, q.schema, q.source, q.resource, q.reason, q.record_count) for q in quarantine],
        )
        writer.commit()
    finally:
        writer.close()


class _DuckDBWriter:
    placeholder = "?"

    def __init__(self, path: str | Path, attempts: int = 20):
        import duckdb

        for attempt in range(attempts):  # another process may hold the write lock briefly
            try:
                self._con = duckdb.connect(str(path))
                break
            except duckdb.IOException:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.5)
        self._con.execute("begin transaction")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._con.execute(sql.format(p=self.placeholder), list(params))

    def insert(self, table: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            marks = ", ".join("?" for _ in range(width))
            self._con.executemany(f"insert into {table} values ({marks})", rows)

    def commit(self) -> None:
        self._con.execute("commit")

    def close(self) -> None:
        self._con.close()


class _PostgresWriter:
    placeholder = "%s"

    def __init__(self, dsn: str | Path):
        import psycopg2

        self._con = psycopg2.connect(str(dsn))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._con.cursor() as cur:
            cur.execute(sql.format(p=self.placeholder), list(params) or None)

    def insert(self, table: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with self._con.cursor() as cur:
                cur.executemany(f"insert into {table} values ({', '.join('%s' for _ in range(width))})", rows)

    def commit(self) -> None:
        self._con.commit()

    def close(self) -> None:
        self._con.close()
