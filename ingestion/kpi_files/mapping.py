"""Mappings for KPI export files: which header loads as which column of `raw_kpi.kpi_values`.

A mapping is a JSON object, read like an HR file-drop mapping (`ingestion/hr_files/mapping.py`:
encoding, delimiter, header row and date format are detected unless set), plus what a KPI
export usually leaves out of its rows:

```json
{"name": "crm_quota_attainment", "files": ["quota_attainment_*.csv"],
 "kpi_id": "sales_quota_attainment", "period": "month", "date_format": "%m/%d/%Y",
 "columns": {"Team Lead Employee ID": "entity_id", "Month": "period_start", "Attainment %": "value"}}
```

- `kpi_id`: the KPI every row reports (a KPI of `framework/business_kpis.csv`), unless a
  header is mapped to `kpi_id`;
- `grain`: `person`, `team`, `org_unit` or `company`; default the KPI's own grain. The entity
  is the employee number (person), the team manager's employee number (team), the org unit
  id such as `commercial-sales-emea` (org unit) or nothing (company);
- `period`: `month` or `quarter` when the file has no `period_end` column: the period is the
  month (quarter) holding `period_start`, whatever day of it the export writes.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ingestion.framework.goals import GRAINS
from ingestion.hr_files.mapping import (
    DECIMAL_SEPARATORS,
    DELIMITER_WORDS,
    ColumnRule,
    Mapping,
    MappingError,
    check_date_format,
)

SOURCE = "kpi_files"
TARGET_COLUMNS = {
    "kpi_id": "text",
    "grain": "text",
    "entity_id": "text",
    "period_start": "date",
    "period_end": "date",
    "value": "decimal",
}
PERIODS = ("month", "quarter")
TOP_LEVEL_KEYS = (
    "name",
    "description",
    "files",
    "encoding",
    "delimiter",
    "decimal_separator",
    "header_row",
    "sheet",
    "date_format",
    "kpi_id",
    "grain",
    "period",
    "columns",
)
RULE_KEYS = ("column", "date_format", "decimal_separator", "optional", "values")


@dataclass(frozen=True)
class KpiMapping:
    name: str
    version: str
    reading: Mapping  # how to read the file, in the HR reader's terms
    kpi_id: str | None
    grain: str | None
    period: str | None

    def claims(self, file_name: str) -> bool:
        return self.reading.claims(file_name)


def _version(obj) -> str:
    canonical = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _error(path: Path | None, name: str | None, what: str) -> MappingError:
    where = str(path) if path else f"'{name or 'mapping'}'"
    return MappingError(f"{SOURCE}: mapping {where}: {what}", path=path)


def parse_kpi_mapping(obj, *, path: Path | None = None) -> KpiMapping:
    """A KpiMapping from a parsed JSON object; a MappingError names the mistake."""
    name = obj.get("name", path.stem if path else None) if isinstance(obj, dict) else None

    def fail(what: str) -> MappingError:
        return _error(path, name, what)

    if not isinstance(obj, dict):
        raise fail("a mapping must be a JSON object")
    unknown = [key for key in obj if key not in TOP_LEVEL_KEYS]
    if unknown:
        raise fail(f"unknown key '{unknown[0]}'; known keys: {', '.join(TOP_LEVEL_KEYS)}")
    if not isinstance(name, str) or not name.strip():
        raise fail('"name" must be non-empty text')
    files = obj.get("files", ["*.csv"])
    files = [files] if isinstance(files, str) else files
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
        raise fail('"files" must be a file-name pattern or a list of them')
    encoding = obj.get("encoding", "auto")
    if encoding != "auto":
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise fail(f"encoding {json.dumps(encoding)} is not a known text encoding") from None
    delimiter = obj.get("delimiter", "auto")
    delimiter = DELIMITER_WORDS.get(delimiter, delimiter) if isinstance(delimiter, str) else delimiter
    if delimiter != "auto" and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise fail(f'delimiter {json.dumps(delimiter)} must be "auto" or one character')
    header_row = obj.get("header_row", "auto")
    if header_row != "auto" and (isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1):
        raise fail(f'header_row {json.dumps(header_row)} must be "auto" or a row number from 1')
    date_format = obj.get("date_format", "auto")
    if date_format != "auto" and not (isinstance(date_format, str) and check_date_format(date_format)):
        raise fail(f'date_format {json.dumps(date_format)} is not a strptime date format such as "%m/%d/%Y"')
    decimal = obj.get("decimal_separator", "auto")
    if decimal not in DECIMAL_SEPARATORS:
        raise fail(f"decimal_separator {json.dumps(decimal)} must be one of {', '.join(DECIMAL_SEPARATORS)}")
    grain = obj.get("grain")
    if grain is not None and grain not in GRAINS:
        raise fail(f"grain {json.dumps(grain)} must be one of {', '.join(GRAINS)}")
    period = obj.get("period")
    if period is not None and period not in PERIODS:
        raise fail(f"period {json.dumps(period)} must be one of {', '.join(PERIODS)}")
    kpi_id = obj.get("kpi_id")
    if kpi_id is not None and (not isinstance(kpi_id, str) or not kpi_id.strip()):
        raise fail('"kpi_id" must be non-empty text')
    columns = obj.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise fail('"columns" must be a non-empty object of header -> column')
    rules: list[ColumnRule] = []
    for header, spec in columns.items():
        spec = {"column": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict) or spec.get("column") not in TARGET_COLUMNS:
            target = spec.get("column") if isinstance(spec, dict) else spec
            raise fail(f"unknown column {json.dumps(target)} for header '{header}'; known: {', '.join(TARGET_COLUMNS)}")
        bad = [key for key in spec if key not in RULE_KEYS]
        if bad:
            raise fail(f"unknown key '{bad[0]}' in the rule for header '{header}'; known keys: {', '.join(RULE_KEYS)}")
        kind = TARGET_COLUMNS[spec["column"]]
        rules.append(
            ColumnRule(
                header=header.strip(),
                column=spec["column"],
                kind=kind,
                date_format=spec.get("date_format", date_format) if kind == "date" else None,
                optional=bool(spec.get("optional", False)),
                required=spec["column"] in ("period_start", "value"),
                values=spec.get("values"),
                decimal_separator=spec.get("decimal_separator", decimal) if kind == "decimal" else "auto",
            )
        )
    mapped = [rule.column for rule in rules]
    duplicated = {c for c in mapped if mapped.count(c) > 1}
    if duplicated:
        raise fail(f"more than one header loads as {', '.join(sorted(duplicated))}")
    for needed in ("period_start", "value"):
        if needed not in mapped:
            raise fail(f"no header is mapped to {needed}")
    if kpi_id is None and "kpi_id" not in mapped:
        raise fail('no KPI: set "kpi_id" or map a header to kpi_id')
    if "period_end" not in mapped and period is None:
        raise fail('no period end: map a header to period_end or set "period" to "month" or "quarter"')
    if "entity_id" not in mapped and grain != "company":
        raise fail('no header is mapped to entity_id (only a "grain": "company" file may leave it out)')
    version = _version(obj)
    reading = Mapping(
        name=name.strip(),
        version=version,
        path=path,
        files=tuple(files),
        shape="history",
        snapshot_date=None,
        encoding=encoding,
        delimiter=delimiter,
        header_row=header_row,
        sheet=obj.get("sheet"),
        columns=tuple(rules),
        date_format=date_format,
        decimal_separator=decimal,
    )
    return KpiMapping(name=name.strip(), version=version, reading=reading, kpi_id=kpi_id, grain=grain, period=period)


def load_kpi_mappings(path: Path) -> list[KpiMapping]:
    """The mappings of a .json file (one object or a list) or of the *.json files of a folder."""
    path = Path(path)
    files = sorted(p for p in path.glob("*.json")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise MappingError(f"{SOURCE}: no mapping (*.json) at {path}", path=path)
    mappings: list[KpiMapping] = []
    for file in files:
        try:
            obj = json.loads(file.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _error(file, None, f"not valid JSON: {exc}") from None
        for item in obj if isinstance(obj, list) else [obj]:
            mapping = parse_kpi_mapping(item, path=file)
            if any(m.name == mapping.name for m in mappings):
                raise _error(file, mapping.name, f"the name '{mapping.name}' is used by two mappings")
            mappings.append(mapping)
    return mappings
