"""`python -m ingestion SOURCE [--dry-run] [--full]`: load one source into the warehouse, or show
what a load would do.

Uses the same settings as the Dagster job (`WAREHOUSE_PATH`, `DLT_PIPELINES_DIR`, the
source's own variables, `DISABLED_SOURCES`) and the same dlt pipeline, so cursors, ledgers
and state are shared with scheduled runs. After a load it prints, per resource and unit
(file, page or the whole load): received, loaded, quarantined and rejected. `--full` asks a
source that reads incrementally for a full reconciliation pass besides (today: `lrs`).

Exit codes: 0 when the source was read, whatever its records held (bad records are
quarantined, bad files rejected, both reported); 1 when the source cannot be read at all
(a setting missing, a mapping file broken, the system unreachable or refusing the
credentials); 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import tempfile
from pathlib import Path

from ingestion.errors import SourceError
from ingestion.registry import BY_NAME, SourceSpec, source_spec


def _root_cause(error: BaseException) -> BaseException:
    """The connector's own error inside dlt's wrappers (PipelineStepFailed, ResourceExtractionError)."""
    seen = error
    while seen is not None:
        if isinstance(seen, SourceError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return error


def _pipeline(spec: SourceSpec, pipelines_dir: Path, warehouse: Path | None):
    import dlt

    return dlt.pipeline(
        pipeline_name=spec.pipeline_name,
        destination=dlt.destinations.duckdb(str(warehouse)) if warehouse else None,
        dataset_name=spec.dataset,
        pipelines_dir=str(pipelines_dir),
    )


def _source(spec: SourceSpec, full: bool = False):
    """The dlt source; `full=True` only for the sources whose factory takes it."""
    factory = spec.load_factory()
    return factory(full=True) if full else factory()


def supports_full(spec: SourceSpec) -> bool:
    return "full" in inspect.signature(spec.load_factory()).parameters


def dry_run(spec: SourceSpec, rows: int, full: bool = False) -> str:
    if spec.name == "hr_files":
        from ingestion.hr_files.source import dry_run as hr_dry_run

        return hr_dry_run(rows=rows)
    # Any other source: extract into a throwaway pipeline (no state, nothing loaded) and count.
    with tempfile.TemporaryDirectory(prefix="dry-run-") as scratch:
        pipeline = _pipeline(spec, Path(scratch), None)
        info = pipeline.extract(_source(spec, full))
        counts = info.metrics[info.loads_ids[0]][0]["table_metrics"] if info.loads_ids else {}
        lines = [f"{spec.name}: dry run (read everything, loaded nothing; incremental state ignored)"]
        for table, metrics in sorted(counts.items()):
            if not table.startswith("_dlt"):
                lines.append(f"  {table:<40} {metrics.items_count:>9} rows")
        return "\n".join(lines)


def report(warehouse: Path, spec: SourceSpec, load_ids: list[str], table_counts: dict[str, int]) -> str:
    """Per resource and unit, from the warehouse's own tables for these loads."""
    import duckdb

    lines = [f"{spec.name}: loaded into {warehouse} ({spec.dataset}), load {', '.join(load_ids) or '-'}"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ?", [spec.dataset]
            ).fetchall()
        }
        units = []
        if "load_reconciliation" in tables and load_ids:
            marks = ", ".join("?" for _ in load_ids)
            units = con.execute(
                f"""select resource, unit, received, loaded, quarantined, rejected, reason
                    from {spec.dataset}.load_reconciliation
                    where source = ? and load_id in ({marks}) order by resource, unit""",
                [spec.name, *load_ids],
            ).fetchall()
    if units:
        lines.append(f"  {'resource / unit':<58} {'received':>9} {'loaded':>9} {'quarant.':>9}  rejected")
        for resource, unit, received, loaded, quarantined_, rejected, reason in units:
            flag = "REJECTED" if rejected else ""
            lines.append(f"  {resource + ' / ' + unit:<58} {received:>9} {loaded:>9} {quarantined_:>9}  {flag}")
            if reason:
                lines.append(f"      {reason}")
    lines.append("  rows written per table in this load:")
    for table, count in sorted(table_counts.items()):
        if not table.startswith("_dlt"):
            lines.append(f"  {table:<58} {count:>9}")
    return "\n".join(lines)


def load(spec: SourceSpec, full: bool = False) -> str:
    from orchestration.settings import DLT_PIPELINES_DIR, WAREHOUSE_PATH, disabled_sources

    if spec.name in disabled_sources():
        raise SourceError(f"{spec.name} is switched off by DISABLED_SOURCES")
    WAREHOUSE_PATH.parent.mkdir(parents=True, exist_ok=True)
    pipeline = _pipeline(spec, DLT_PIPELINES_DIR, WAREHOUSE_PATH)
    info = pipeline.run(_source(spec, full))
    normalize = pipeline.last_trace.last_normalize_info
    counts = dict(normalize.row_counts) if normalize else {}
    return report(WAREHOUSE_PATH, spec, list(info.loads_ids), counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion", description=__doc__.splitlines()[0])
    parser.add_argument("source", choices=sorted(BY_NAME), help="the source to load")
    parser.add_argument("--dry-run", action="store_true", help="show what a load would do; load nothing")
    parser.add_argument("--rows", type=int, default=5, help="rows to show per file in a dry run (default 5)")
    parser.add_argument(
        "--full", action="store_true", help="also read everything again, past the incremental cursor (lrs)"
    )
    args = parser.parse_args(argv)
    spec = source_spec(args.source)
    if args.full and not supports_full(spec):
        parser.error(f"--full is not supported by {spec.name}")
    try:
        print(dry_run(spec, args.rows, args.full) if args.dry_run else load(spec, args.full))
    except Exception as error:  # one clear line, never a traceback with a secret in it
        cause = _root_cause(error)
        message = str(cause) if isinstance(cause, SourceError) else f"{type(cause).__name__}: {cause}"
        print(f"{spec.name}: cannot read the source: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
