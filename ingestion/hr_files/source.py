"""HR file drop: HR exports (CSV, TSV, XLSX) from any HR or payroll system, as a full HRIS.

Every spreadsheet in `HR_DROP_DIR` is read (nothing is skipped silently). Each file is
claimed by exactly one mapping (`ingestion/hr_files/mapping.py`: which files, the shape,
encoding, delimiter, header row, date formats, value maps, and header -> canonical column)
from `HR_DROP_MAPPING_FILE` (a JSON file or a folder of them; default: the mappings shipped
in `ingestion/hr_files/mappings/`). Rows land in `raw_hris.hr_file_records`, one per data
row of a file, keyed by (`file_sha256`, `source_line`), with the mapping's name and version
and, for snapshot exports, the as-of date (`snapshot_on`). The dbt models turn history
exports and successive snapshots into effective-dated history.

What can go wrong, and where it goes:
- a file no mapping claims, two mappings claiming one file, an undecodable file, a missing
  header, no header row, an ambiguous date column, a snapshot without an as-of date: the file
  is rejected once, with its name, the reason and the headers it did have
  (`load_reconciliation`, `rejected` = true); the other files still load;
- a row with a bad value, too few fields (a truncated line), no employee number, or two rows
  for the same employee and date that disagree: `quarantine`, one row per reason, with the
  raw cells;
- a file already loaded with the same mapping version is not read again (the ledger in dlt
  state is keyed by content and mapping version), the same content under a second name loads
  once; after a mapping is corrected the file is read again, rows it now loads leave the
  quarantine (their quarantine rows are kept and marked `resolved_at`), and rows it no
  longer loads are withdrawn from `hr_file_records`.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dlt

from ingestion.errors import SourceConfigError, require_env
from ingestion.hr_files.mapping import TARGET_COLUMNS, Mapping, load_mappings, parse_mapping
from ingestion.hr_files.reader import FileRejected, MappedRow, ReadFile, map_rows, mapped_cells, read_file
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount, current_load_id
from ingestion.schema_drift import FieldWatch

SOURCE = "hr_files"
TABLE = "hr_file_records"
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
SPREADSHEETS = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}
# The mapping the demo's Lisbon payroll provider needs (also in mappings/lisbon_payroll.json).
MAPPING = {
    "Nº Colaborador": "employee_number",
    "Apelido": "last_name",
    "Nome": "first_name",
    "Email": "work_email",
    "Data de Admissão": "start_date",
    "Função": "job_title",
    "Centro de Custo": "cost_centre",
    "Horas Semanais": "weekly_hours",
}
WITHDRAWN = "is_withdrawn"  # dlt hard-delete marker: a row a corrected mapping no longer loads
_TYPES = {"text": "text", "date": "date", "decimal": "decimal", "int": "bigint"}


def table_columns() -> dict[str, dict]:
    """Every canonical column, so the table has the same shape whatever a file maps."""
    columns: dict[str, dict] = {
        "file_sha256": {"data_type": "text"},
        "source_line": {"data_type": "bigint"},
        "source_file": {"data_type": "text"},
        "mapping_name": {"data_type": "text"},
        "mapping_version": {"data_type": "text"},
        "shape": {"data_type": "text"},
        "snapshot_on": {"data_type": "date"},
    }
    for name, kind in TARGET_COLUMNS.items():
        columns[name] = {"data_type": _TYPES[kind]}
        if kind == "decimal":
            columns[name].update(precision=18, scale=4)
    columns[WITHDRAWN] = {"data_type": "bool", "hard_delete": True}
    return columns


def configured_mappings(mapping: Any = None) -> list[Mapping]:
    """The mappings in force: given directly, from `HR_DROP_MAPPING_FILE`, or the shipped ones."""
    if isinstance(mapping, Mapping):
        return [mapping]
    if isinstance(mapping, list):
        return [m if isinstance(m, Mapping) else parse_mapping(m) for m in mapping]
    if isinstance(mapping, dict):
        return [parse_mapping(mapping)]
    named = os.environ.get("HR_DROP_MAPPING_FILE")
    path = Path(named) if named else MAPPINGS_DIR
    if not path.exists():
        raise SourceConfigError(f"{SOURCE}: HR_DROP_MAPPING_FILE {path} does not exist")
    mappings = load_mappings(path)
    if not mappings:
        raise SourceConfigError(f"{SOURCE}: no mapping (*.json) in {path}")
    return mappings


def drop_folder(folder: str | None = None) -> Path:
    path = Path(require_env(SOURCE, "HR_DROP_DIR", folder or os.environ.get("HR_DROP_DIR")))
    if not path.is_dir():
        raise SourceConfigError(f"{SOURCE}: HR_DROP_DIR {path} is not a folder")
    return path


def files_in(folder: Path) -> list[Path]:
    """Every file in the folder except hidden files and office lock files (`~$...`)."""
    return sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")) and not p.name.endswith("~")
    )


@dataclass
class Assessed:
    """One file read through its mapping: its rows sorted into loadable and quarantined."""

    path: Path
    digest: str
    mapping: Mapping | None = None
    read: ReadFile | None = None
    snapshot_on: date | None = None
    rejection: str | None = None
    headers: list[str] = field(default_factory=list)
    good: list[tuple[int, dict]] = field(default_factory=list)  # (line, record)
    bad: list[tuple[int, str, dict]] = field(default_factory=list)  # (line, reason, raw cells)

    @property
    def received(self) -> int:
        return len(self.good) + len(self.bad)


def _headers_of(path: Path) -> list[str]:
    try:
        return read_file(path, None).headers
    except FileRejected as error:
        return list(error.headers)


def assess(path: Path, data: bytes, mappings: list[Mapping]) -> Assessed:
    """Read one file with the mapping that claims it; never raises for a bad file."""
    found = Assessed(path, hashlib.sha256(data).hexdigest())
    if path.suffix.lower() not in SPREADSHEETS:
        found.rejection = "not a CSV, TSV or XLSX file"
        return found
    claimants = [m for m in mappings if m.claims(path.name)]
    if not claimants:
        names = ", ".join(f"{m.name} ({', '.join(m.files)})" for m in mappings)
        found.headers = _headers_of(path)
        found.rejection = f"no mapping claims this file; mappings in force: {names}"
        return found
    if len(claimants) > 1:
        found.rejection = "claimed by more than one mapping: " + ", ".join(m.name for m in claimants)
        return found
    mapping = found.mapping = claimants[0]
    try:
        read = found.read = read_file(path, mapping)
        found.headers = list(read.headers)
        mapped = map_rows(read, mapping)
    except FileRejected as error:
        found.rejection, found.headers = error.reason, list(error.headers or found.headers)
        return found
    maps_snapshot_date = any(rule.column == "snapshot_date" for rule in mapping.columns)
    found.snapshot_on = mapping.snapshot_on(path)
    if mapping.shape == "snapshot" and found.snapshot_on is None and not maps_snapshot_date:
        found.rejection = (
            "a snapshot export needs its as-of date: put it in the file name (YYYY-MM-DD) or set "
            "snapshot_date in the mapping"
        )
        return found
    _sort_rows(found, mapped)
    return found


def _row_key(mapping: Mapping, record: dict) -> tuple:
    """Rows that describe the same fact: one employee on one date of the export."""
    if mapping.shape == "snapshot":
        return (record.get("employee_number"), record.get("snapshot_date"))
    return (record.get("employee_number"), record.get("effective_date"), record.get("hire_date"))


def _describe_key(key: tuple) -> str:
    dates = ", ".join(str(part) for part in key[1:] if part is not None)
    return f"employee {key[0]}" + (f" on {dates}" if dates else "")


def _sort_rows(found: Assessed, mapped: list[MappedRow]) -> None:
    """Problem rows to quarantine; identical repeats to quarantine as duplicates; rows for
    the same employee and date that disagree all to quarantine (no way to know which is right)."""
    groups: dict[tuple, list[MappedRow]] = defaultdict(list)
    for row in mapped:
        if row.problems or row.record is None:
            found.bad.append((row.line, "; ".join(row.problems) or "row could not be read", row.raw))
        else:
            groups[_row_key(found.mapping, row.record)].append(row)
    for key, rows in groups.items():
        first = rows[0]
        if all(r.record == first.record for r in rows):
            found.good.append((first.line, first.record))
            found.bad.extend((r.line, f"duplicate of line {first.line}", r.raw) for r in rows[1:])
        else:
            lines = ", ".join(str(r.line) for r in rows)
            found.bad.extend(
                (r.line, f"conflicting rows for {_describe_key(key)} (lines {lines})", r.raw) for r in rows
            )
    found.good.sort(key=lambda item: item[0])
    found.bad.sort(key=lambda item: item[0])


def _record(found: Assessed, line: int, record: dict) -> dict:
    mapping = found.mapping
    return {
        **record,
        "file_sha256": found.digest,
        "source_line": line,
        "source_file": found.path.name,
        "mapping_name": mapping.name,
        "mapping_version": mapping.version,
        "shape": mapping.shape,
        "snapshot_on": found.snapshot_on,
    }


def _quarantine_key(digest: str, line: int) -> str:
    return f"{digest[:16]}:{line}"


def _payload(found: Assessed, line: int, raw: dict) -> dict:
    return {**raw, "source_file": found.path.name, "source_line": line}


def records_resource(folder: str | None, mapping: Any):
    # The table's hints travel with its rows, so the quarantine, reconciliation and schema
    # change rows the resource also yields do not inherit its columns and key.
    hints = dlt.mark.make_hints(
        table_name=TABLE, write_disposition="merge", primary_key=["file_sha256", "source_line"], columns=table_columns()
    )

    @dlt.resource(name=TABLE)
    def hr_file_records() -> Iterator[Any]:
        path = drop_folder(folder)
        mappings = configured_mappings(mapping)
        ledger: dict[str, dict] = dlt.current.resource_state().setdefault("files", {})
        watches: dict[str, FieldWatch] = {}
        this_run: dict[str, str] = {}
        for file in files_in(path):
            count = UnitCount(SOURCE, TABLE, file.name)
            try:
                data = file.read_bytes()
            except OSError as error:
                yield count.reject(f"cannot open the file: {error.strerror or error}").item()
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in this_run:
                count.reason = f"same content as {this_run[digest]}: loaded once"
                yield count.item()
                continue
            this_run[digest] = file.name
            found = assess(file, data, mappings)
            if found.rejection:
                headers = f" (headers found: {', '.join(found.headers)})" if found.headers else ""
                yield count.reject(found.rejection + headers).item()
                continue
            entry = ledger.get(digest)
            if entry and entry["mapping_version"] == found.mapping.version:
                count.reason = f"unchanged: loaded before as {entry['name']} with mapping {entry['mapping']}"
                yield count.item()
                continue
            watch = watches.setdefault(
                found.mapping.name,
                FieldWatch(
                    SOURCE,
                    TABLE,
                    [r.header for r in found.mapping.columns if not r.optional],
                    [r.header for r in found.mapping.columns if r.optional],
                ),
            )
            yield from watch.changes(dict.fromkeys(found.headers, ""))
            for item in _load_file(found, count, entry):
                yield dlt.mark.with_hints(item, hints, create_table_variant=True) if isinstance(item, dict) else item
            ledger[digest] = {
                "name": file.name,
                "mapping": found.mapping.name,
                "mapping_version": found.mapping.version,
                "load_id": current_load_id(),
                "quarantined": {str(line): reason for line, reason, _ in found.bad},
            }
            yield count.item()

    return hr_file_records


def _load_file(found: Assessed, count: UnitCount, entry: dict | None) -> Iterator[Any]:
    earlier: dict[str, str] = (entry or {}).get("quarantined", {})
    now_bad = {str(line): reason for line, reason, _ in found.bad}
    resolved_at = datetime.now(UTC)
    for line, record in found.good:
        count.received += 1
        count.loaded += 1
        yield _record(found, line, record)
    for line, reason, raw in found.bad:
        count.received += 1
        count.quarantined += 1
        yield quarantined(SOURCE, TABLE, _payload(found, line, raw), reason, key=_quarantine_key(found.digest, line))
        if entry is not None and str(line) not in earlier:
            # loaded under the previous mapping: withdraw it
            yield {"file_sha256": found.digest, "source_line": line, WITHDRAWN: True}
    if entry is None:
        return
    raws = {line: raw for line, _, raw in found.bad}
    for line_text, reason in earlier.items():
        if now_bad.get(line_text) == reason:
            continue  # still quarantined for the same reason
        line = int(line_text)
        raw = raws.get(line) or _raw_cells(found, line)
        yield quarantined(
            SOURCE,
            TABLE,
            _payload(found, line, raw),
            reason,
            key=_quarantine_key(found.digest, line),
            resolved_at=resolved_at,
            resolution=f"mapping {found.mapping.name} version {found.mapping.version}",
        )


def _raw_cells(found: Assessed, line: int) -> dict:
    """The mapped cells of one line (never the unmapped columns or a full date of birth)."""
    for row in found.read.rows if found.read else []:
        if row.line == line:
            return mapped_cells(row, found.read, found.mapping)
    return {}


@dlt.source(name=SOURCE)
def hr_files_source(folder: str | None = None, mapping: Any = None):
    """HR exports from the drop folder; the folder and the mappings are read when the load runs.

    `mapping`: a mapping object (dict, list of dicts or `Mapping`) instead of
    `HR_DROP_MAPPING_FILE`, e.g. in tests."""
    return records_resource(folder, mapping)


def dry_run(folder: str | None = None, mapping: Any = None, rows: int = 5) -> str:
    """What a load would do with each file, without loading: detection, mapped rows, problems."""
    path = drop_folder(folder)
    mappings = configured_mappings(mapping)
    lines = [f"{SOURCE}: {path}", "mappings: " + ", ".join(f"{m.name} ({m.version})" for m in mappings)]
    files = files_in(path)
    if not files:
        lines.append("no files in the folder")
    for file in files:
        found = assess(file, file.read_bytes(), mappings)
        lines.append("")
        lines.append(f"file {file.name}")
        if found.mapping:
            lines.append(f"  mapping     {found.mapping.name} ({found.mapping.shape}, version {found.mapping.version})")
        read = found.read
        if read is not None:
            lines.append(
                f"  read as     {read.kind}, encoding {read.encoding or '-'}, delimiter {read.delimiter!r}, "
                f"header row {read.header_row}" + (f", sheet {read.sheet}" if read.sheet else "")
            )
            lines.append("  headers     " + ", ".join(read.headers))
            used = set(read.matched.values())
            unmapped = [h for h in read.headers if h and h not in used]
            if unmapped:
                lines.append("  not mapped  " + ", ".join(unmapped))
            if read.date_formats:
                lines.append(
                    "  dates       " + ", ".join(f"{column} {fmt}" for column, fmt in sorted(read.date_formats.items()))
                )
        if found.snapshot_on:
            lines.append(f"  as of       {found.snapshot_on.isoformat()}")
        if found.rejection:
            headers = f" (headers found: {', '.join(found.headers)})" if found.headers else ""
            lines.append(f"  REJECTED    {found.rejection}{headers}")
            continue
        lines.append(
            f"  rows        {found.received} read: {len(found.good)} would load, {len(found.bad)} would be quarantined"
        )
        for line, record in found.good[:rows]:
            shown = " ".join(f"{k}={_show(v)}" for k, v in record.items() if v not in (None, ""))
            lines.append(f"    line {line}: {shown}")
        for line, reason, _ in found.bad[:50]:
            lines.append(f"  problem     line {line}: {reason}")
        if len(found.bad) > 50:
            lines.append(f"  problem     ... and {len(found.bad) - 50} more")
    return "\n".join(lines)


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
