"""`python -m expectations --warehouse PATH [--suite NAME ...]`

Prints one line per failed expectation and one summary line per suite. Exit status:
0 when no `error`-severity expectation failed (warnings are printed), 1 when one did or
a table could not be read, 2 when the command itself is wrong (unknown suite, no
warehouse, invalid suite file).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

from expectations.runner import SuiteResult, validate_all
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
    args = parser.parse_args(argv)

    try:
        results = validate_all(args.warehouse, args.suite)
    except (FileNotFoundError, KeyError, SuiteFileError) as exc:
        print(f"expectations: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2

    print(render(results, _display_name(args.warehouse)))
    return 0 if all(r.success for r in results) else 1


def render(results: Sequence[SuiteResult], warehouse: str) -> str:
    lines = [f"Validating {warehouse}: {len(results)} suite(s)"]
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
    errors = sum(len(r.failed_errors) + (r.error is not None) for r in results)
    warnings = sum(len(r.failed_warnings) for r in results)
    verdict = "FAILED" if errors else "passed"
    lines.append(f"{verdict}: {errors} error-severity failure(s), {warnings} warning(s)")
    return "\n".join(lines)


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
