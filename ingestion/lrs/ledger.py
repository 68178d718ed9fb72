"""What the warehouse already holds for a statement id, so a load can tell repeats, conflicts
and voids apart across runs.

A statement is immutable once stored (xAPI): the copy that reached the warehouse first
counts, whether it was loaded into `statements` or quarantined; a later copy with the same
id and the same content (ignoring `stored`, `authority` and property order) is a repeat,
one with other content a conflict. The ledger answers from the destination itself
(`statements.content_sha256` and `voided_by`, the quarantine's payloads; the whole
statement where an older row has no hash), page by page, and from what this load has seen,
so it needs no per-id state in dlt and stays right when the state is lost. Without a
destination (a dry run) it only knows this load.

It keeps one small entry per id seen in the load: memory grows with the statements one
load reads (a few hundred bytes each).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import dlt

from ingestion.errors import SourceError
from ingestion.lrs.xapi import VOIDED, content_sha256

SOURCE = "lrs"
TABLE = "statements"
CHUNK = 500
log = logging.getLogger("ingestion.lrs")


@dataclass
class Known:
    """One statement id: the copy that counts and what the warehouse row says."""

    first: str  # content hash of the copy that counts
    where: str  # "statements" (loaded) or "quarantine"
    others: set[str] = field(default_factory=set)  # hashes of conflicting copies already quarantined
    row_hash: str | None = None  # content_sha256 of the `statements` row as last written (None: none, or an old row)
    row_voided_by: str | None = None  # its voided_by
    in_warehouse: bool = False  # the row is in the destination (not only in this load)


class Warehouse:
    """Read-only lookups in the destination the running pipeline loads into."""

    def __init__(self, pipeline: Any = None) -> None:
        self.pipeline = pipeline
        self.client: Any = None
        self._columns: dict[str, set[str] | None] = {}

    @classmethod
    def of_current_pipeline(cls) -> Warehouse:
        try:
            pipeline = dlt.current.pipeline()
        except Exception:  # extracted outside a pipeline
            pipeline = None
        if pipeline is None or pipeline.destination is None:  # a dry run loads nowhere: nothing to look up
            return cls(None)
        return cls(pipeline)

    def __enter__(self) -> Warehouse:
        if self.pipeline is not None:
            self.client = self.pipeline.sql_client()
            self.client.open_connection()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.client is not None:
            self.client.close_connection()
            self.client = None

    def _rows(self, sql: str, *args: Any) -> list[tuple]:
        with self.client.execute_query(sql, *args) as cursor:
            return list(cursor.fetchall())

    def columns(self, table: str) -> set[str] | None:
        """The table's columns, or None when it does not exist (yet)."""
        if self.client is None:
            return None
        if table not in self._columns:
            from dlt.destinations.exceptions import DatabaseUndefinedRelation

            try:
                with self.client.execute_query(
                    f"select * from {self.client.make_qualified_table_name(table)} where 1 = 0"
                ) as cursor:
                    self._columns[table] = {column[0] for column in cursor.description}
            except DatabaseUndefinedRelation:
                self._columns[table] = None
            except Exception as error:
                raise SourceError(f"{SOURCE}: cannot read {table} in the warehouse to check ids: {error}") from error
        return self._columns[table]

    def _in(self, sql: str, values: list[str], *args: Any) -> list[tuple]:
        rows = []
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            rows += self._rows(sql.replace("{in}", ", ".join(["%s"] * len(chunk))), *args, *chunk)
        return rows

    def statements(self, ids: list[str]) -> dict[str, tuple[str, str | None, str | None]]:
        """id -> (content hash, the row's content_sha256, voided_by) of the rows in `statements`;
        rows written before content hashes have none: their stored statement is hashed."""
        columns = self.columns(TABLE)
        if not columns or not ids:
            return {}
        table = self.client.make_qualified_table_name(TABLE)
        digest = "content_sha256" if "content_sha256" in columns else "null"
        voided = "voided_by" if "voided_by" in columns else "null"
        rows = self._in(f"select id, {digest}, {voided} from {table} where id in ({{in}})", ids)
        found = {statement_id: (hashed, hashed, voided_by) for statement_id, hashed, voided_by in rows}
        old = [statement_id for statement_id, hashed, _ in rows if hashed is None]
        for statement_id, statement in self._in(f"select id, statement from {table} where id in ({{in}})", old):
            document = _document(statement)
            hashed = content_sha256(document) if isinstance(document, dict) else ""
            found[statement_id] = (hashed, None, found[statement_id][2])
        return found

    def voiders(self, ids: list[str]) -> dict[str, str]:
        """voided id -> the id of the first voiding statement in `statements` that targets it."""
        columns = self.columns(TABLE)
        if not columns or "object_type" not in columns or not ids:
            return {}
        table = self.client.make_qualified_table_name(TABLE)
        order = "stored, id" if "stored" in columns else "id"
        found: dict[str, str] = {}
        for target, voider in self._in(
            f"select object_id, id from {table} where verb_id = %s and object_type = 'StatementRef'"
            f" and object_id in ({{in}}) order by {order}",
            ids,
            VOIDED,
        ):
            found.setdefault(target, voider)
        return found

    def quarantined(self, keys: list[str]) -> dict[str, list[tuple[str, Any]]]:
        """record key -> [(reason, payload)] of this source's statement quarantine rows."""
        columns = self.columns("quarantine")
        if not columns or not keys:
            return {}
        table = self.client.make_qualified_table_name("quarantine")
        found: dict[str, list[tuple[str, Any]]] = {}
        for key, reason, payload in self._in(
            f"select record_key, reason, payload from {table}"
            f" where source = %s and resource = %s and record_key in ({{in}})",
            keys,
            SOURCE,
            TABLE,
        ):
            found.setdefault(key, []).append((reason, _document(payload)))
        return found

    def statement(self, statement_id: str) -> dict | None:
        if not self.columns(TABLE):
            return None
        table = self.client.make_qualified_table_name(TABLE)
        rows = self._rows(f"select statement from {table} where id = %s", statement_id)
        document = _document(rows[0][0]) if rows else None
        return document if isinstance(document, dict) else None


def _document(value: Any) -> Any:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


class Ledger:
    """Statement ids and payload keys known to the warehouse or to this load, and voids."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self.known: dict[str, Known] = {}
        self.keys: set[str] = set()  # quarantine keys (sha256:...) of entries without a usable id
        self.voids: dict[str, str] = {}  # voided id -> voiding id (the first one)
        self._looked_up: set[str] = set()

    def prepare(self, ids: Iterable[str] = (), keys: Iterable[str] = ()) -> None:
        """Learn what the warehouse holds for these ids and keys (once per id)."""
        ids = [value for value in dict.fromkeys(ids) if value not in self._looked_up and value not in self.known]
        keys = [value for value in dict.fromkeys(keys) if value not in self._looked_up and value not in self.keys]
        self._looked_up.update(ids)
        self._looked_up.update(keys)
        if self.warehouse.client is None or not (ids or keys):
            return
        loaded = self.warehouse.statements(ids)
        quarantined = self.warehouse.quarantined(ids + keys)
        for target, voider in self.warehouse.voiders(ids).items():
            self.voids.setdefault(target, voider)
        for statement_id in ids:
            row = loaded.get(statement_id)
            copies = quarantined.get(statement_id, [])
            hashes = [content_sha256(payload) for _, payload in copies if isinstance(payload, dict)]
            if row is not None:
                hashed, row_hash, voided_by = row
                self.known[statement_id] = Known(
                    hashed, "statements", set(hashes) - {hashed}, row_hash, voided_by, in_warehouse=True
                )
                if voided_by:
                    self.voids.setdefault(statement_id, voided_by)
            elif copies:
                firsts = [
                    content_sha256(payload)
                    for reason, payload in copies
                    if isinstance(payload, dict) and not reason.startswith("id conflict:")
                ]
                first = firsts[0] if firsts else hashes[0] if hashes else ""
                self.known[statement_id] = Known(first, "quarantine", set(hashes) - {first}, in_warehouse=True)
        self.keys.update(key for key in keys if key in quarantined)
