"""`python -m expectations --warehouse PATH [--suite NAME ...]` (what `make check` runs)

Prints one line per failed expectation, one summary line per suite, the quarantined
record counts, where the results were kept and the GX Data Docs path. Exit status:
0 when no `error`-severity expectation failed (warnings are printed), 1 when one did or
a table could not be read, 2 when the command itself is wrong (unknown suite, no
warehouse, invalid suite file).

Results are appended to `quality.results` / `quality.quarantine_counts` in the warehouse
(`--no-record` to only read) and rendered as Data Docs (`--no-docs` to skip).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

from expectations.history import QuarantineCount
from expectations.runner import CheckRun, SuiteResult, run_checks
from expectations.suites import SuiteFileError

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m expectations",
        description="Validate the warehouse with the suites in expectations/suites/.",
    )
    parser.add_argument(
        "--warehouse",
        default=os.environ.get("WAREHOUSE_PATH", DEFAULT_WAREHOUSE),
        help=f"DuckDB file or postgresql:// URL (default: $WAREHOUSE_PATH, else {DEFAULT_WAREHOUSE})",
    )
    parser.add_argument(
        "--suite",
        action="append",
        metavar="NAME",
        help="validate only this suite, e.g. raw_hris.employees (repeatable)",
    )
    parser.add_argument(
        "--run-id",
        default=os.environ.get("QUALITY_RUN_ID"),
        help="id the results are kept under (default: $QUALITY_RUN_ID, else cli-<time>-<random>); "
        "re-using one replaces its rows",
    )
    parser.add_argument("--no-record", action="store_true", help="do not write quality.* tables (read only)")
    parser.add_argument("--no-docs", action="store_true", help="do not build the GX Data Docs")
    args = parser.parse_args(argv)

    try:
        run = run_checks(
            args.warehouse, args.suite, run_id=args.run_id, record=not args.no_record, docs=not args.no_docs
        )
    except (FileNotFoundError, KeyError, SuiteFileError) as exc:
        print(f"expectations: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2

    print(render(run.results, _display_name(args.warehouse), run))
    if run.record_error:
        print(f"expectations: results not recorded: {run.record_error}", file=sys.stderr)
    return 0 if run.success else 1


def render(results: Sequence[SuiteResult], warehouse: str, run: CheckRun | None = None) -> str:
    lines = [f"Validating {warehouse}: {len(results)} suite(s)" + (f", run {run.run_id}" if run else "")]
    for result in results:
        if result.error:
            lines.append(f"FAIL [error] {result.suite}: could not read table: {result.error}")
        for outcome in result.failed:
            label = "FAIL" if outcome.severity == "error" else "WARN"
            on = f" on {outcome.column}" if outcome.column else ""
            lines.append(
                f"{label} [{outcome.severity}] {result.suite}: {outcome.expectation_type}{on}: {outcome.describe()}"
            )
    lines.append("")
    width = max((len(r.suite) for r in results), default=0)
    for result in results:
        status = "ok" if result.success else "FAILED"
        if result.error:
            detail = "not read"
        else:
            detail = (
                f"{len(result.expectations)} expectations on {result.row_count} rows, "
                f"{len(result.failed_errors)} failed, {len(result.failed_warnings)} warnings"
            )
        lines.append(f"{result.suite:<{width}}  {status:<6}  {detail}")
    if run is not None:
        lines += _run_lines(run)
    errors = sum(len(r.failed_errors) + (r.error is not None) for r in results)
    warnings = sum(len(r.failed_warnings) for r in results)
    verdict = "FAILED" if errors else "passed"
    lines.append(f"{verdict}: {errors} error-severity failure(s), {warnings} warning(s)")
    return "\n".join(lines)


def _run_lines(run: CheckRun) -> list[str]:
    lines = [""]
    lines += [_quarantine_line(q) for q in run.quarantine] or ["quarantined: none"]
    if run.recorded:
        lines.append(f"results kept in quality.results and quality.quarantine_counts (run {run.run_id})")
    if run.data_docs_index:
        lines.append(f"data docs: {run.data_docs_index}")
    return lines


def _quarantine_line(count: QuarantineCount) -> str:
    where = ".".join(p for p in (count.schema, count.resource) if p)
    return f"quarantined: {count.record_count} record(s) in {where}: {count.reason}"


def _display_name(warehouse: str) -> str:
    """The warehouse as printed: never a PostgreSQL password."""
    if "://" not in warehouse:
        return warehouse
    url = urlsplit(warehouse)
    netloc = url.netloc.rsplit("@", 1)
    if len(netloc) == 2:
        netloc[0] = netloc[0].split(":", 1)[0]
    query = urlencode([(k, v) for k, v in parse_qsl(url.query) if k != "password"], safe="/")
    return f"{url.scheme}://{'@'.join(netloc)}{url.path}" + (f"?{query}" if query else "")


if __name__ == "__main__":
    sys.exit(main())
