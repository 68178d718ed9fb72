"""Loading dropped files once each: typed columns, quarantine, a per-file ledger.

A file-drop source reads every file in a folder whose name matches a pattern, parses
each row by a declared column mapping (header -> column name and type) and yields typed
rows. A file is identified by the SHA-256 of its bytes, kept in dlt resource state: a
file already loaded (even under another name) is skipped, so a re-dropped export loads
nothing twice. The state is committed with the load, so a load that fails part-way reads
the file again next time; merging on each table's key absorbs any overlap.

Every file gets a row in `load_reconciliation` (see `ingestion/reconciliation.py`): rows
received, loaded and quarantined, or rejected as a whole (e.g. not UTF-8) with the reason,
while the other files still load.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dlt

from ingestion.quarantine import quarantined
from ingestion.reconciliation import UnitCount
from ingestion.schema_drift import FieldWatch


@dataclass(frozen=True)
class Column:
    """`header` in the file loads as column `name` (default: the header itself); `kind` is
    text, decimal, int or date."""

    header: str
    kind: str = "text"
    required: bool = True
    not_future: bool = False
    rename: str | None = None

    @property
    def name(self) -> str:
        return self.rename or self.header


@dataclass
class FileKind:
    table: str
    pattern: str
    columns: list[Column]
    key: list[str]
    extra: dict = field(default_factory=dict)

    def hints(self) -> dict:
        types = {"text": "text", "decimal": "decimal", "int": "bigint", "date": "date"}
        columns = {
            c.name: {"data_type": types[c.kind], **({"precision": 18, "scale": 2} if c.kind == "decimal" else {})}
            for c in self.columns
        }
        columns["source_file"] = {"data_type": "text"}
        columns["source_line"] = {"data_type": "bigint"}
        return columns


def parse_value(column: Column, text: str | None):
    """(value, problem): the typed value, or why the text cannot be one."""
    text = (text or "").strip()
    if not text:
        return None, (f"missing {column.name}" if column.required else None)
    if column.kind == "decimal":
        try:
            return Decimal(text), None
        except InvalidOperation:
            return None, f"{column.name} is not a number"
    if column.kind == "int":
        try:
            return int(text), None
        except ValueError:
            return None, f"{column.name} is not a number"
    if column.kind == "date":
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return None, f"{column.name} is not a date (YYYY-MM-DD)"
        if column.not_future and value > datetime.now(UTC).date():
            return None, f"{column.name} in the future"
        return value, None
    return text, None


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV or XLSX file as header -> text."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        for values in rows:
            if values is None or all(v is None for v in values):
                continue
            yield {h: _cell_text(v) for h, v in zip(header, values, strict=False)}
        book.close()
        return
    text = path.read_bytes().decode("utf-8-sig")
    yield from csv.DictReader(io.StringIO(text))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def file_resource(source: str, kind: FileKind, folder_of):
    """A dlt resource loading each new file of one kind from the folder `folder_of()` names."""

    # The table's hints travel with its rows (a variant of the resource's own name), so the
    # quarantine and reconciliation rows the resource also yields do not inherit its columns
    # and key.
    table_hints = dlt.mark.make_hints(
        table_name=kind.table, write_disposition="merge", primary_key=kind.key, columns=kind.hints()
    )

    @dlt.resource(name=kind.table)
    def resource():
        folder = folder_of()
        state = dlt.current.resource_state()
        ledger: dict[str, str] = state.setdefault("loaded_files", {})
        watch = FieldWatch(
            source,
            kind.table,
            [c.header for c in kind.columns if c.required],
            [c.header for c in kind.columns if not c.required],
        )
        seen: set[tuple] = set()
        patterns = kind.pattern.split("|")  # e.g. "payroll_workers*.xlsx|payroll_workers*.csv"
        for path in sorted({path for pattern in patterns for path in folder.glob(pattern)}):
            count = UnitCount(source, kind.table, path.name)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in ledger:
                count.reason = f"unchanged: loaded before as {ledger[digest]}"
                yield count.item()
                continue
            try:
                rows = list(read_rows(path))
            except (UnicodeDecodeError, csv.Error, OSError, ValueError) as error:
                yield count.reject(f"cannot read {path.name}: {error}").item()
                continue
            for line, raw in enumerate(rows, start=2):
                count.received += 1
                if line == 2:
                    yield from watch.changes({k: v for k, v in raw.items() if k is not None})
                record_key = f"{path.name}:{line}"
                row, problem = {}, None
                for column in kind.columns:
                    value, problem = parse_value(column, raw.get(column.header))
                    if problem:
                        break
                    row[column.name] = value
                if problem is None:
                    row["source_file"] = path.name
                    key = tuple(row[k] for k in kind.key)
                    if key in seen:
                        problem = f"duplicate {'/'.join(kind.key)}"
                    else:
                        seen.add(key)
                if problem:
                    payload = {**{k: v for k, v in raw.items() if k is not None}, "source_file": path.name}
                    count.quarantined += 1
                    yield quarantined(source, kind.table, payload, problem, key=record_key)
                    continue
                count.loaded += 1
                yield dlt.mark.with_hints(
                    {**row, **kind.extra, "source_line": line}, table_hints, create_table_variant=True
                )
            ledger[digest] = path.name
            yield count.item()

    return resource
