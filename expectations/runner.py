"""Validate warehouse tables against the suites in `expectations/suites/`.

The API the orchestration (Dagster asset checks) and the CLI call:

    validate_table(warehouse_path, schema, table) -> SuiteResult
    validate_all(warehouse_path, suites=None) -> list[SuiteResult]

`warehouse_path` is a DuckDB file path or a PostgreSQL connection string. Each table is
read into pandas (plus the suite's derived columns) and validated by Great Expectations
through an ephemeral context and its pandas datasource. A SuiteResult fails when the
table cannot be read or an `error`-severity expectation fails; `warn` failures are
reported but do not fail it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from expectations.readers import TableNotFoundError, WarehouseReader, open_reader
from expectations.suites import SUITES_DIR, Severity, SuiteFileError, SuiteSpec, load_suites

# GX `result_format`: SUMMARY gives counts plus up to 20 sample unexpected values.
RESULT_FORMAT = "SUMMARY"
SAMPLE_SIZE = 5
_GX_SEVERITY = {"error": "critical", "warn": "warning"}


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's verdict on one table."""

    suite: str
    expectation_type: str
    column: str | None  # `id`; `a, b, c` for compound expectations; None for table-level
    severity: Severity
    success: bool
    kwargs: dict[str, Any] = field(default_factory=dict)
    observed_value: Any = None  # aggregate expectations (row count, ...)
    unexpected_count: int | None = None  # row-level expectations
    element_count: int | None = None
    unexpected_sample: tuple[Any, ...] = ()
    exception: str | None = None  # GX could not evaluate it (e.g. the column is missing)
    notes: str | None = None

    def describe(self) -> str:
        """`observed ...` / `3 of 120 rows unexpected, e.g. [6, 7]` / the exception."""
        if self.exception:
            return f"could not evaluate: {self.exception}"
        if self.unexpected_count is not None:
            text = f"{self.unexpected_count} of {self.element_count} rows unexpected"
            if self.unexpected_sample:
                text += f", e.g. {list(self.unexpected_sample)}"
            return text
        return f"observed {self.observed_value!r}"


@dataclass(frozen=True)
class SuiteResult:
    """A suite's verdict on one table."""

    suite: str  # `<schema>.<table>`
    schema: str
    table: str
    row_count: int | None
    expectations: tuple[ExpectationOutcome, ...]
    error: str | None = None  # the table could not be read; nothing was evaluated

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(e for e in self.expectations if not e.success)

    @property
    def failed_errors(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(e for e in self.failed if e.severity == "error")

    @property
    def failed_warnings(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(e for e in self.failed if e.severity == "warn")

    @property
    def success(self) -> bool:
        """No read error and no failed `error`-severity expectation."""
        return self.error is None and not self.failed_errors

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly, e.g. for Dagster check metadata."""
        out = asdict(self)
        out["success"] = self.success
        return out


def validate_table(
    warehouse_path: str | Path,
    schema: str,
    table: str,
    *,
    suites_dir: Path = SUITES_DIR,
) -> SuiteResult:
    """Validate one table with its suite `<schema>.<table>`; KeyError if there is none."""
    return validate_all(warehouse_path, [f"{schema}.{table}"], suites_dir=suites_dir)[0]


def validate_all(
    warehouse_path: str | Path,
    suites: Iterable[str] | None = None,
    *,
    suites_dir: Path = SUITES_DIR,
) -> list[SuiteResult]:
    """Validate every suite (or the named ones), in suite name order."""
    specs = select_suites(suites, suites_dir=suites_dir)
    session = _GxSession()
    reader = open_reader(warehouse_path)
    try:
        return [_validate_spec(reader, session, spec) for spec in specs]
    finally:
        reader.close()


def select_suites(names: Iterable[str] | None = None, *, suites_dir: Path = SUITES_DIR) -> list[SuiteSpec]:
    """The named suites (all when None); KeyError listing the known names otherwise."""
    available = load_suites(suites_dir)
    if names is None:
        return list(available.values())
    names = list(names)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise KeyError(f"no suite named {unknown}; known suites: {sorted(available)}")
    return [available[n] for n in names]


def build_gx_suite(spec: SuiteSpec, name: str | None = None):
    """The GX ExpectationSuite for a suite file; SuiteFileError on an unknown type or kwarg."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    suite = gx.ExpectationSuite(name=name or spec.name)
    for i, expectation in enumerate(spec.expectations, start=1):
        config = ExpectationConfiguration(
            type=expectation.type,
            kwargs=expectation.kwargs,
            meta={"severity": expectation.severity, "index": i},
            severity=_GX_SEVERITY[expectation.severity],
        )
        try:
            suite.add_expectation_configuration(config)
        except Exception as exc:  # GX raises several kinds: not found, pydantic errors
            raise SuiteFileError(
                f"{spec.name}: expectation #{i} ({expectation.type}) is not valid GX 1.x: {exc}"
            ) from exc
    return suite


class _GxSession:
    """One ephemeral GX context with a pandas datasource, reused across suites."""

    def __init__(self) -> None:
        # Imported here: GX takes seconds to import, and code that only lists suites
        # (Dagster definitions) should not pay for it.
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._datasource = self._context.data_sources.add_pandas("warehouse")
        self._runs = 0

    def validate(self, spec: SuiteSpec, frame: pd.DataFrame) -> list:
        """GX results, one per expectation, in the order of the suite file."""
        self._runs += 1
        run_name = f"{spec.name}#{self._runs}"  # unique: a session may see a suite twice
        asset = self._datasource.add_dataframe_asset(name=run_name)
        batch = asset.add_batch_definition_whole_dataframe("whole_table").get_batch(
            batch_parameters={"dataframe": frame}
        )
        suite = self._context.suites.add(build_gx_suite(spec, name=run_name))
        validation = batch.validate(suite, result_format=RESULT_FORMAT)
        # GX reorders results (failed evaluations first); the 1-based index stored in
        # each expectation's meta maps them back to the suite file's order.
        by_index = {r.expectation_config.meta["index"]: r for r in validation.results}
        return [by_index[i] for i in range(1, len(spec.expectations) + 1)]


def _validate_spec(reader: WarehouseReader, session: _GxSession, spec: SuiteSpec) -> SuiteResult:
    try:
        frame = _read(reader, spec)
    except Exception as exc:  # a missing table or a failing derived-column query
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return SuiteResult(spec.name, spec.schema, spec.table, None, (), error=message)

    outcomes = []
    for expectation, result in zip(spec.expectations, session.validate(spec, frame), strict=True):
        if result.expectation_config.type != expectation.type:  # paired by meta index
            raise RuntimeError(f"{spec.name}: GX result does not match {expectation.type}")
        details = result.result or {}
        sample = details.get("partial_unexpected_list") or []
        outcomes.append(
            ExpectationOutcome(
                suite=spec.name,
                expectation_type=expectation.type,
                column=expectation.column_label,
                severity=expectation.severity,
                success=bool(result.success),
                kwargs=dict(expectation.kwargs),
                observed_value=_plain(details.get("observed_value")),
                unexpected_count=_plain(details.get("unexpected_count")),
                element_count=_plain(details.get("element_count")),
                unexpected_sample=tuple(_plain(v) for v in sample[:SAMPLE_SIZE]),
                exception=_exception_message(result.exception_info),
                notes=expectation.notes,
            )
        )
    return SuiteResult(spec.name, spec.schema, spec.table, len(frame), tuple(outcomes))


def _read(reader: WarehouseReader, spec: SuiteSpec) -> pd.DataFrame:
    existing = reader.table_columns(spec.schema, spec.table)  # raises TableNotFoundError
    derived = spec.derived_sql(reader.dialect)
    # Read only what the expectations look at (all columns for column-set checks); a
    # column the table lacks is left out so GX reports it against the expectation.
    columns = None if spec.needs_all_columns else [c for c in spec.source_columns if c in existing]
    return reader.read_frame(spec.schema, spec.table, columns, derived)


def _exception_message(info: dict | None) -> str | None:
    """GX gives either one {raised_exception, exception_message} or one per failed metric."""
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    messages = []
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            message = str(entry.get("exception_message") or "error").strip()
            if message not in messages:
                messages.append(message)
    return "; ".join(messages) or None


def _plain(value: Any) -> Any:
    """numpy/pandas scalars to plain Python, missing values to None, dates to ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (datetime, date)):  # includes pandas Timestamp
        return value.isoformat()
    return value


__all__ = [
    "ExpectationOutcome",
    "SuiteResult",
    "TableNotFoundError",
    "build_gx_suite",
    "select_suites",
    "validate_all",
    "validate_table",
]
