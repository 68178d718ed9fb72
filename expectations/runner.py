"""Validate warehouse tables against the suites in `expectations/suites/`.

The API the orchestration (Dagster asset checks) and the CLI call:

    run_checks(warehouse_path, suites=None, run_id=..., invoked_by=...) -> CheckRun
        validates, records the results and quarantine counts in the warehouse
        (`quality.results`, `quality.quarantine_counts`) and builds the GX Data Docs;
    validate_table(warehouse_path, schema, table) -> SuiteResult
    validate_all(warehouse_path, suites=None) -> list[SuiteResult]
        validate only: read-only, nothing written.

`warehouse_path` is a DuckDB file path or a PostgreSQL connection string. Each table is
read into pandas (plus the suite's derived columns) and validated by Great Expectations
through an ephemeral context and its pandas datasource. A SuiteResult fails when the
table cannot be read or an `error`-severity expectation fails; `warn` failures are
reported but do not fail it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from expectations import data_docs, history
from expectations.history import QuarantineCount
from expectations.readers import TableNotFoundError, WarehouseReader, open_reader
from expectations.suites import (
    SUITES_DIR,
    Severity,
    SuiteFileError,
    SuiteSpec,
    load_suites,
    resolve_parameters,
    substitute,
)

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
        text = f"observed {self.observed_value!r}"
        low, high = self.kwargs.get("min_value"), self.kwargs.get("max_value")
        if not self.success and (low is not None or high is not None):
            text += (
                " (expected "
                + (
                    f"{low} to {high}"
                    if low is not None and high is not None
                    else f"at least {low}"
                    if low is not None
                    else f"at most {high}"
                )
                + ")"
            )
        return text


@dataclass(frozen=True)
class SuiteResult:
    """A suite's verdict on one table."""

    suite: str  # `<schema>.<table>`
    schema: str
    table: str
    row_count: int | None
    expectations: tuple[ExpectationOutcome, ...]
    error: str | None = None  # the table could not be read; nothing was evaluated
    run_id: str | None = None
    previous_row_count: int | None = None  # at the newest earlier run in quality.results
    data_docs_page: str | None = None  # this validation's GX Data Docs page, when built

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
    run_id: str | None = None,
) -> list[SuiteResult]:
    """Validate every suite (or the named ones), in suite name order. Writes nothing."""
    specs = select_suites(suites, suites_dir=suites_dir)
    reader = open_reader(warehouse_path)
    try:
        return _validate(reader, _GxSession(), specs, run_id or new_run_id(), datetime.now(UTC))
    finally:
        reader.close()


@dataclass(frozen=True)
class CheckRun:
    """One validation run: verdicts, quarantine counts, where they were kept."""

    run_id: str
    checked_at: datetime
    results: tuple[SuiteResult, ...]
    quarantine: tuple[QuarantineCount, ...]
    data_docs_index: Path | None  # None when Data Docs were not built
    recorded: bool  # results appended to quality.results
    record_error: str | None = None  # why they could not be

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)


def new_run_id(prefix: str = "cli") -> str:
    return f"{prefix}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def run_checks(
    warehouse_path: str | Path,
    suites: Iterable[str] | None = None,
    *,
    run_id: str | None = None,
    invoked_by: str = "cli",
    record: bool = True,
    docs: bool = True,
    quality_folder: Path | None = None,
    suites_dir: Path = SUITES_DIR,
) -> CheckRun:
    """Validate, then keep the outcome: `quality.results`, `quality.quarantine_counts`, Data Docs.

    Quarantine counts are read for every raw schema that has a `quarantine` table, whatever
    the suites (a source without a suite still shows what it set aside; in a Dagster run
    the mart checks, which run after every load, leave the final counts). Recording
    happens after the read-only connection is closed; a failure to record is reported in
    `CheckRun.record_error`, not raised.
    """
    specs = select_suites(suites, suites_dir=suites_dir)
    run_id = run_id or new_run_id()
    checked_at = datetime.now(UTC)
    folder = (quality_folder or data_docs.quality_dir(warehouse_path)) if docs else None
    session = _GxSession(folder)
    reader = open_reader(warehouse_path)
    try:
        results = _validate(reader, session, specs, run_id, checked_at)
        schemas = history.raw_schemas_with_quarantine(reader)
        quarantine = history.quarantine_counts(reader, schemas)
    finally:
        reader.close()

    index = session.build_docs() if folder else None
    recorded, record_error = False, None
    if record:
        try:
            history.record(warehouse_path, run_id, checked_at, invoked_by, results, quarantine, schemas)
            recorded = True
        except Exception as exc:  # e.g. another process holds DuckDB's write lock
            record_error = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return CheckRun(run_id, checked_at, tuple(results), tuple(quarantine), index, recorded, record_error)


def _validate(
    reader: WarehouseReader, session: _GxSession, specs: Sequence[SuiteSpec], run_id: str, checked_at: datetime
) -> list[SuiteResult]:
    previous = history.previous_row_counts(reader, [s.name for s in specs], run_id)
    return [_validate_spec(reader, session, spec, run_id, checked_at, previous.get(spec.name)) for spec in specs]


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


def build_gx_suite(spec: SuiteSpec, name: str | None = None, parameters: dict[str, Any] | None = None):
    """The GX ExpectationSuite for a suite file; SuiteFileError on an unknown type or kwarg.

    `{$PARAMETER: name}` kwargs take their values from `parameters` (default: the
    suite's resolved parameters with no run history)."""
    parameters = resolve_parameters(spec) if parameters is None else parameters
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    suite = gx.ExpectationSuite(name=name or spec.name)
    for i, expectation in enumerate(spec.expectations, start=1):
        config = ExpectationConfiguration(
            type=expectation.type,
            kwargs=substitute(expectation.kwargs, parameters),
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
    """One ephemeral GX context with a pandas datasource, reused across suites.

    With a quality folder, suites and validation results are also stored there as files
    and `build_docs` renders them as GX Data Docs (see expectations/data_docs.py).
    """

    def __init__(self, folder: Path | None = None) -> None:
        # Imported here: GX takes seconds to import, and code that only lists suites
        # (Dagster definitions) should not pay for it.
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._folder = folder
        self._context = gx.get_context(mode="ephemeral", project_config=data_docs.project_config(folder))
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._datasource = self._context.data_sources.add_pandas("warehouse")
        self._stored: list = []  # identifiers of results and suites to render
        self._suites: set[str] = set()

    def validate(
        self, spec: SuiteSpec, frame: pd.DataFrame, parameters: dict[str, Any], run_id: str, checked_at: datetime
    ) -> tuple[list, str | None]:
        """GX results, one per expectation, in the order of the suite file, and the Data Docs page."""
        names = self._datasource.get_asset_names()
        asset = (
            self._datasource.get_asset(spec.name)
            if spec.name in names
            else self._datasource.add_dataframe_asset(name=spec.name)
        )
        definitions = {d.name: d for d in asset.batch_definitions}
        definition = definitions.get("whole_table") or asset.add_batch_definition_whole_dataframe("whole_table")
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        suite = self._context.suites.add_or_update(build_gx_suite(spec, parameters=parameters))
        validation = batch.validate(suite, result_format=RESULT_FORMAT)
        page = self._store(spec, validation, run_id, checked_at) if self._folder else None
        # GX reorders results (failed evaluations first); the 1-based index stored in
        # each expectation's meta maps them back to the suite file's order.
        by_index = {r.expectation_config.meta["index"]: r for r in validation.results}
        return [by_index[i] for i in range(1, len(spec.expectations) + 1)], page

    def _store(self, spec: SuiteSpec, validation, run_id: str, checked_at: datetime) -> str:
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        run = RunIdentifier(run_name=run_id, run_time=checked_at)
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(spec.name), run, "whole_table")
        validation.meta["run_id"] = run
        self._context.validation_results_store.set(key, validation)
        self._stored.append(key)
        if spec.name not in self._suites:
            self._suites.add(spec.name)
            self._stored.append(ExpectationSuiteIdentifier(spec.name))
        return str(data_docs.validation_page(self._folder, spec.name, run.run_name, run.to_tuple()[1]))

    def build_docs(self) -> Path | None:
        """Render the pages of this session's results and suites and the index; the index path."""
        if not self._folder:
            return None
        for name in self._suites:
            data_docs.prune(self._folder, name)
        self._context.build_data_docs(site_names=[data_docs.SITE_NAME], resource_identifiers=self._stored)
        return data_docs.data_docs_index(self._folder)


def _validate_spec(
    reader: WarehouseReader,
    session: _GxSession,
    spec: SuiteSpec,
    run_id: str,
    checked_at: datetime,
    previous_row_count: int | None,
) -> SuiteResult:
    parameters = resolve_parameters(spec, previous_row_count)
    unread = {"run_id": run_id, "previous_row_count": previous_row_count}
    try:
        frame = _read(reader, spec)
    except Exception as exc:  # a missing table or a failing derived-column query
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return SuiteResult(spec.name, spec.schema, spec.table, None, (), error=message, **unread)

    outcomes = []
    gx_results, page = session.validate(spec, frame, parameters, run_id, checked_at)
    for expectation, result in zip(spec.expectations, gx_results, strict=True):
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
                kwargs=substitute(expectation.kwargs, parameters),
                observed_value=_plain(details.get("observed_value")),
                unexpected_count=_plain(details.get("unexpected_count")),
                element_count=_plain(details.get("element_count")),
                unexpected_sample=tuple(_plain(v) for v in sample[:SAMPLE_SIZE]),
                exception=_exception_message(result.exception_info),
                notes=expectation.notes,
            )
        )
    return SuiteResult(spec.name, spec.schema, spec.table, len(frame), tuple(outcomes), data_docs_page=page, **unread)


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
    "CheckRun",
    "ExpectationOutcome",
    "SuiteResult",
    "TableNotFoundError",
    "build_gx_suite",
    "new_run_id",
    "run_checks",
    "select_suites",
    "validate_all",
    "validate_table",
]
