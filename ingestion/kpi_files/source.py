"""KPI file drop: KPI actuals exported by sales, support and operations tools as CSV (or XLSX).

Every file in `KPI_DROP_DIR` is read through the one mapping that claims it
(`ingestion/kpi_files/mapping.py`; `KPI_DROP_MAPPING_FILE` names a JSON file or a folder of
them, default the mappings shipped in `ingestion/kpi_files/mappings/`). The HR file drop's
reader does the reading (`ingestion/hr_files/reader.py`: encoding, delimiter, title rows
above the header, date formats and decimal commas). Rows land in `raw_kpi.kpi_values`, one
per data row, keyed by (`file_sha256`, `source_line`): KPI, grain, entity, period and value.

What can go wrong, and where it goes:
- a file no mapping claims, two mappings claiming it, an unreadable file or a missing
  header: the file is rejected in `load_reconciliation` with the reason; the others load;
- a row whose KPI is not in the framework (`framework/business_kpis.csv`), whose value is
  not a number, whose grain is not the KPI's, whose period ends before it starts, starts in
  the future or lies outside its goal's period, or that repeats another row's KPI, entity
  and period: `quarantine`, with the reason and the raw cells;
- a file already loaded with the same mapping version is not read again (the ledger in dlt
  state is keyed by the file's SHA-256 and the mapping version): a re-run loads nothing new.
  A corrected mapping reads the file again; its rows merge on (`file_sha256`, `source_line`).
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt

from ingestion.errors import SourceConfigError, require_env
from ingestion.framework.goals import kpi_catalogue
from ingestion.framework.source import DEFAULT_DIR as FRAMEWORK_DEFAULT_DIR
from ingestion.hr_files.reader import FileRejected, map_rows, read_file
from ingestion.hr_files.source import SPREADSHEETS, files_in
from ingestion.kpi_files.mapping import KpiMapping, load_kpi_mappings, parse_kpi_mapping
from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount, current_load_id

SOURCE = "kpi_files"
TABLE = "kpi_values"
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
COLUMNS = {
    "file_sha256": {"data_type": "text"},
    "source_line": {"data_type": "bigint"},
    "source_file": {"data_type": "text"},
    "mapping_name": {"data_type": "text"},
    "mapping_version": {"data_type": "text"},
    "kpi_id": {"data_type": "text"},
    "grain": {"data_type": "text"},
    "entity_id": {"data_type": "text"},
    "period_start": {"data_type": "date"},
    "period_end": {"data_type": "date"},
    "value": {"data_type": "decimal", "precision": 18, "scale": 6},
}


def configured_mappings(mapping: Any = None) -> list[KpiMapping]:
    """The mappings in force: given directly (tests), from `KPI_DROP_MAPPING_FILE`, or the shipped ones."""
    if isinstance(mapping, dict):
        return [parse_kpi_mapping(mapping)]
    if isinstance(mapping, list):
        return [m if isinstance(m, KpiMapping) else parse_kpi_mapping(m) for m in mapping]
    named = os.environ.get("KPI_DROP_MAPPING_FILE")
    path = Path(named) if named else MAPPINGS_DIR
    if not path.exists():
        raise SourceConfigError(f"{SOURCE}: KPI_DROP_MAPPING_FILE {path} does not exist")
    return load_kpi_mappings(path)


def drop_folder(folder: str | None = None) -> Path:
    path = Path(require_env(SOURCE, "KPI_DROP_DIR", folder or os.environ.get("KPI_DROP_DIR")))
    if not path.is_dir():
        raise SourceConfigError(f"{SOURCE}: KPI_DROP_DIR {path} is not a folder")
    return path


def _period(record: dict, mapping: KpiMapping) -> tuple[date, date]:
    start, end = record["period_start"], record.get("period_end")
    if end is None and mapping.period == "month":
        start = start.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif end is None and mapping.period == "quarter":
        start = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return start, end


def check_row(record: dict, mapping: KpiMapping, kpis: dict[str, dict], today: date) -> tuple[dict | None, str | None]:
    """(row for kpi_values, None) or (None, why the row is quarantined)."""
    kpi_id = (record.get("kpi_id") or mapping.kpi_id or "").strip()
    kpi = kpis.get(kpi_id)
    if kpi is None:
        return None, f"unknown KPI '{kpi_id}': not in the framework's business_kpis.csv"
    grain = (record.get("grain") or mapping.grain or kpi["grain"]).strip()
    if grain != kpi["grain"]:
        return None, f"grain '{grain}' but KPI {kpi_id} is reported per {kpi['grain']}"
    entity = (record.get("entity_id") or "").strip() or ("company" if grain == "company" else "")
    if not entity:
        return None, "missing entity_id"
    start, end = _period(record, mapping)
    if end < start:
        return None, f"period ends ({end}) before it starts ({start})"
    if start > today:
        return None, f"period outside: starts in the future ({start})"
    if start < kpi["period_from"] or (kpi["period_to"] is not None and end > kpi["period_to"]):
        span = f"{kpi['period_from']} to {kpi['period_to'] or 'open'}"
        return None, f"period outside: {start} to {end} is outside goal {kpi['goal_id']}'s period ({span})"
    return {
        "kpi_id": kpi_id,
        "grain": grain,
        "entity_id": entity,
        "period_start": start,
        "period_end": end,
        "value": record["value"],
    }, None


def assess(path: Path, mapping: KpiMapping, kpis: dict[str, dict], today: date):
    """(good [(line, row)], bad [(line, reason, raw cells)]) of one file; FileRejected for the whole file."""
    read = read_file(path, mapping.reading)
    good: list[tuple[int, dict]] = []
    bad: list[tuple[int, str, dict]] = []
    by_key: dict[tuple, list[tuple[int, dict, dict]]] = defaultdict(list)
    for row in map_rows(read, mapping.reading):
        if row.problems or row.record is None:
            bad.append((row.line, "; ".join(row.problems) or "row could not be read", row.raw))
            continue
        checked, problem = check_row(row.record, mapping, kpis, today)
        if problem:
            bad.append((row.line, problem, row.raw))
            continue
        key = (checked["kpi_id"], checked["entity_id"], checked["period_start"], checked["period_end"])
        by_key[key].append((row.line, checked, row.raw))
    for key, rows in by_key.items():
        first_line, first, _ = rows[0]
        if all(r[1] == first for r in rows):
            good.append((first_line, first))
            bad.extend((line, f"duplicate of line {first_line}", raw) for line, _, raw in rows[1:])
        else:
            lines = ", ".join(str(line) for line, _, _ in rows)
            reason = f"duplicate with another value: {key[0]} for {key[1]} from {key[2]} (lines {lines})"
            bad.extend((line, reason, raw) for line, _, raw in rows)
    return sorted(good, key=lambda item: item[0]), sorted(bad, key=lambda item: item[0])


def kpi_values_resource(folder: str | None, mapping: Any, framework_dir: str | None):
    hints = dlt.mark.make_hints(
        table_name=TABLE, write_disposition="merge", primary_key=["file_sha256", "source_line"], columns=COLUMNS
    )

    @dlt.resource(name=TABLE)
    def kpi_values() -> Iterator[Any]:
        path = drop_folder(folder)
        mappings = configured_mappings(mapping)
        kpis = kpi_catalogue(Path(framework_dir or os.environ.get("FRAMEWORK_DIR") or FRAMEWORK_DEFAULT_DIR))
        today = datetime.now(UTC).date()
        ledger: dict[str, dict] = dlt.current.resource_state().setdefault("files", {})
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
            if file.suffix.lower() not in SPREADSHEETS:
                yield count.reject("not a CSV, TSV or XLSX file").item()
                continue
            claimants = [m for m in mappings if m.claims(file.name)]
            if len(claimants) != 1:
                names = ", ".join(m.name for m in (claimants or mappings))
                what = "no mapping claims this file" if not claimants else "claimed by more than one mapping"
                yield count.reject(f"{what}: {names}").item()
                continue
            found = claimants[0]
            entry = ledger.get(digest)
            if entry and entry["mapping_version"] == found.version:
                count.reason = f"unchanged: loaded before as {entry['name']} with mapping {entry['mapping']}"
                yield count.item()
                continue
            try:
                good, bad = assess(file, found, kpis, today)
            except FileRejected as error:
                headers = f" (headers found: {', '.join(error.headers)})" if error.headers else ""
                yield count.reject(error.reason + headers).item()
                continue
            for line, row in good:
                count.received += 1
                count.loaded += 1
                record = {
                    **row,
                    "file_sha256": digest,
                    "source_line": line,
                    "source_file": file.name,
                    "mapping_name": found.name,
                    "mapping_version": found.version,
                }
                yield dlt.mark.with_hints(record, hints, create_table_variant=True)
            for line, reason, raw in bad:
                count.received += 1
                count.quarantined += 1
                payload = {**raw, "source_file": file.name, "source_line": line}
                yield quarantined(SOURCE, TABLE, payload, reason, key=f"{digest[:16]}:{line}")
            ledger[digest] = {
                "name": file.name,
                "mapping": found.name,
                "mapping_version": found.version,
                "load_id": current_load_id(),
            }
            yield count.item()

    return kpi_values


@dlt.source(name=SOURCE)
def kpi_files_source(folder: str | None = None, mapping: Any = None, framework_dir: str | None = None):
    """KPI actuals from the drop folder, checked against the framework's KPIs.

    `mapping`: a mapping dict (or list of them) instead of `KPI_DROP_MAPPING_FILE`;
    `framework_dir`: the framework folder instead of `FRAMEWORK_DIR` (both e.g. in tests)."""
    return kpi_values_resource(folder, mapping, framework_dir)
