"""Suite files: one reviewable YAML file per guarded table in `expectations/suites/`.

A file is named `<schema>.<table>.yml` and holds:

```yaml
derived_columns:            # optional: extra columns the warehouse computes while reading
  band_matches_gap: >-      # portable SQL (DuckDB and PostgreSQL) ...
    case ... end
  hire_days_after_load:     # ... or one expression per dialect
    duckdb: try_cast(hire_date as date) - ...
    postgres: ...
parameters:                 # optional: this suite's defaults for `{$PARAMETER: name}`
  max_load_age_hours: 72
expectations:
  - type: expect_column_values_to_be_unique   # a GX 1.x expectation type
    kwargs: {column: id}                       # its arguments, as GX names them
    severity: error                            # ours: error fails the run, warn only reports
    notes: why this matters                    # optional
  - type: expect_column_min_to_be_between
    kwargs: {column: load_age_hours, max_value: {$PARAMETER: max_load_age_hours}}
    severity: error
```

A kwarg written `{$PARAMETER: name}` (GX's own notation) takes its value when the suite
runs, from, in order: the `EXPECTATIONS_<NAME>` environment variable, the suite's
`parameters`, `DEFAULT_PARAMETERS` below; `previous_row_count` and `min_row_count` come
from the run history kept in `quality.results` (see `resolve_parameters`).

Derived columns are how a check that needs a query (a window, a cross-column rule, a
comparison with the load time) becomes a plain row-level expectation: the reader adds
the column, and an ordinary GX expectation checks it.

This module only parses and validates the files; it does not import Great Expectations,
so listing suites stays cheap for callers such as the Dagster definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

SUITES_DIR = Path(__file__).resolve().parent / "suites"
SEVERITIES = ("error", "warn")
DIALECTS = ("duckdb", "postgres")

# kwargs naming the column(s) an expectation looks at, in GX 1.x.
_COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")

Severity = Literal["error", "warn"]

# Defaults for `{$PARAMETER: name}` kwargs; a suite's `parameters` and then an
# `EXPECTATIONS_<NAME>` environment variable override them.
DEFAULT_PARAMETERS: dict[str, float] = {
    # The nightly build loads every source once a day; a day and a half of slack.
    "max_load_age_hours": 36,
    # A table may shrink by this share of its rows since the previous validated run.
    "max_row_drop_pct": 20,
}
PARAMETER_KEY = "$PARAMETER"


class SuiteFileError(ValueError):
    """A suite file that cannot be used as written."""


@dataclass(frozen=True)
class ExpectationSpec:
    type: str
    kwargs: dict[str, Any]
    severity: Severity
    notes: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns the expectation reads; empty for table-level expectations."""
        names: list[str] = []
        for key in _COLUMN_KWARGS:
            value = self.kwargs.get(key)
            if isinstance(value, str):
                names.append(value)
            elif isinstance(value, list):
                names.extend(value)
        return tuple(names)

    @property
    def column_label(self) -> str | None:
        """The column(s) for humans: `id`, or `month_start_on, employee_id` for a compound."""
        return ", ".join(self.columns) or None


@dataclass(frozen=True)
class SuiteSpec:
    name: str  # `<schema>.<table>`, the file name without `.yml`
    schema: str
    table: str
    expectations: tuple[ExpectationSpec, ...]
    derived_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    description: str | None = None
    path: Path | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Names the expectations refer to with `{$PARAMETER: name}`, in first-use order."""
        seen: dict[str, None] = {}
        for expectation in self.expectations:
            for value in expectation.kwargs.values():
                if isinstance(value, dict) and PARAMETER_KEY in value:
                    seen.setdefault(str(value[PARAMETER_KEY]), None)
        return tuple(seen)

    def derived_sql(self, dialect: str) -> dict[str, str]:
        """Derived column name -> SQL expression for one warehouse dialect."""
        out = {}
        for name, by_dialect in self.derived_columns.items():
            if dialect not in by_dialect:
                raise SuiteFileError(f"{self.name}: derived column {name!r} has no {dialect} expression")
            out[name] = by_dialect[dialect]
        return out

    @property
    def needs_all_columns(self) -> bool:
        """True when a table-level expectation (e.g. a column set) needs every column."""
        return any(e.type.startswith("expect_table_column") for e in self.expectations)

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Table columns the expectations read (derived columns excluded), in first-use order."""
        seen: dict[str, None] = {}
        for expectation in self.expectations:
            for column in expectation.columns:
                if column not in self.derived_columns:
                    seen.setdefault(column, None)
        return tuple(seen)


def load_suite(path: Path) -> SuiteSpec:
    """Parse and check one suite file; raise SuiteFileError naming the file on any problem."""
    path = Path(path)
    name = path.name.removesuffix(".yml").removesuffix(".yaml")
    parts = name.split(".")
    if len(parts) != 2 or not all(parts):
        raise SuiteFileError(f"{path.name}: name it <schema>.<table>.yml")
    schema, table = parts

    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise SuiteFileError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise SuiteFileError(f"{path.name}: expected a mapping at the top level")
    unknown = set(doc) - {"description", "derived_columns", "expectations", "parameters"}
    if unknown:
        raise SuiteFileError(f"{path.name}: unknown top-level keys {sorted(unknown)}")

    derived: dict[str, dict[str, str]] = {}
    for column, sql in (doc.get("derived_columns") or {}).items():
        if isinstance(sql, str):
            derived[column] = {dialect: sql for dialect in DIALECTS}
        elif isinstance(sql, dict) and sql and set(sql) <= set(DIALECTS):
            derived[column] = {str(k): str(v) for k, v in sql.items()}
        else:
            raise SuiteFileError(
                f"{path.name}: derived column {column!r} must be SQL text or a mapping of {list(DIALECTS)} to SQL text"
            )

    parameters = doc.get("parameters") or {}
    if not isinstance(parameters, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in parameters.values()
    ):
        raise SuiteFileError(f"{path.name}: `parameters` must map names to numbers")

    raw_expectations = doc.get("expectations")
    if not isinstance(raw_expectations, list) or not raw_expectations:
        raise SuiteFileError(f"{path.name}: `expectations` must be a non-empty list")
    specs = []
    for i, item in enumerate(raw_expectations, start=1):
        where = f"{path.name}: expectation #{i}"
        if not isinstance(item, dict):
            raise SuiteFileError(f"{where}: expected a mapping")
        unknown = set(item) - {"type", "kwargs", "severity", "notes"}
        if unknown:
            raise SuiteFileError(f"{where}: unknown keys {sorted(unknown)}")
        type_ = item.get("type")
        if not isinstance(type_, str) or not type_.startswith("expect_"):
            raise SuiteFileError(f"{where}: `type` must be a GX expectation type (expect_...)")
        severity = item.get("severity")
        if severity not in SEVERITIES:
            raise SuiteFileError(f"{where} ({type_}): `severity` must be one of {list(SEVERITIES)}")
        kwargs = item.get("kwargs") or {}
        if not isinstance(kwargs, dict):
            raise SuiteFileError(f"{where} ({type_}): `kwargs` must be a mapping")
        for key, value in kwargs.items():
            if isinstance(value, dict) and PARAMETER_KEY in value and set(value) != {PARAMETER_KEY}:
                raise SuiteFileError(f"{where} ({type_}): kwarg {key!r}: write a parameter as {{$PARAMETER: name}}")
        specs.append(ExpectationSpec(type_, dict(kwargs), severity, item.get("notes")))

    return SuiteSpec(
        name=name,
        schema=schema,
        table=table,
        expectations=tuple(specs),
        derived_columns=derived,
        description=doc.get("description"),
        path=path,
        parameters=dict(parameters),
    )


def load_suites(suites_dir: Path = SUITES_DIR) -> dict[str, SuiteSpec]:
    """Every suite in the folder, by name (`raw_hris.employees`), in name order."""
    paths = sorted([*Path(suites_dir).glob("*.yml"), *Path(suites_dir).glob("*.yaml")])
    suites = {}
    for path in paths:
        suite = load_suite(path)
        if suite.name in suites:
            raise SuiteFileError(f"two files define suite {suite.name}")
        suites[suite.name] = suite
    return dict(sorted(suites.items()))


def resolve_parameters(spec: SuiteSpec, previous_row_count: int | None = None, env=None) -> dict[str, Any]:
    """Values for the suite's `{$PARAMETER: name}` kwargs; SuiteFileError when one has none.

    Order: `EXPECTATIONS_<NAME>` in the environment, the suite's `parameters`,
    `DEFAULT_PARAMETERS`. From the run history: `previous_row_count` (the table's rows at
    the previous validated run, -1 when there was none) and `min_row_count` (that count
    less `max_row_drop_pct` percent, rounded down, and at least 1: a table is never
    expected to be empty).
    """
    import math
    import os
    from fractions import Fraction

    env = os.environ if env is None else env
    values: dict[str, Any] = {**DEFAULT_PARAMETERS, **spec.parameters}
    for name in {*values, *spec.parameter_names}:
        text = env.get(f"EXPECTATIONS_{name.upper()}")
        if text:
            try:
                values[name] = float(text) if "." in text else int(text)
            except ValueError as exc:
                raise SuiteFileError(f"EXPECTATIONS_{name.upper()}={text!r} is not a number") from exc
    values["previous_row_count"] = -1 if previous_row_count is None else previous_row_count
    if previous_row_count is None:
        values["min_row_count"] = 1
    else:  # exact arithmetic: 0.8 * 1860 must not floor to 1487
        kept = Fraction(previous_row_count) * (100 - Fraction(str(values["max_row_drop_pct"]))) / 100
        values["min_row_count"] = max(1, math.floor(kept))
    missing = [n for n in spec.parameter_names if n not in values]
    if missing:
        raise SuiteFileError(f"{spec.name}: no value for parameter(s) {missing}")
    return values


def substitute(kwargs: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """kwargs with each `{$PARAMETER: name}` replaced by its value."""
    return {
        key: values[value[PARAMETER_KEY]] if isinstance(value, dict) and PARAMETER_KEY in value else value
        for key, value in kwargs.items()
    }
