"""Suite files: one reviewable YAML file per guarded table in `expectations/suites/`.

A file is named `<schema>.<table>.yml` and holds:

```yaml
derived_columns:            # optional: extra columns the warehouse computes while reading
  band_matches_gap: >-      # portable SQL (DuckDB and PostgreSQL) ...
    case ... end
  hire_days_after_load:     # ... or one expression per dialect
    duckdb: try_cast(hire_date as date) - ...
    postgres: ...
expectations:
  - type: expect_column_values_to_be_unique   # a GX 1.x expectation type
    kwargs: {column: id}                       # its arguments, as GX names them
    severity: error                            # ours: error fails the run, warn only reports
    notes: why this matters                    # optional
```

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
    unknown = set(doc) - {"description", "derived_columns", "expectations"}
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
        specs.append(ExpectationSpec(type_, dict(kwargs), severity, item.get("notes")))

    return SuiteSpec(
        name=name,
        schema=schema,
        table=table,
        expectations=tuple(specs),
        derived_columns=derived,
        description=doc.get("description"),
        path=path,
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
