"""`python -m impact run` evaluates the declared plans on the warehouse;
`python -m impact validate` checks the engine against planted effects over many seeds."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from impact.plans import load_plans


def _run(args: argparse.Namespace) -> int:
    from impact.engine import balance_table, evaluate
    from impact.warehouse import read_inputs, write_results

    results = evaluate(read_inputs(args.warehouse), load_plans())
    count = write_results(args.warehouse, results)
    counts = results["status"].value_counts().to_dict()
    print(f"marts.mart_learning_impact: {count} rows {counts}")
    print(f"conclusions: {results['conclusion'].value_counts().to_dict()}")
    print(f"marts.mart_learning_impact_balance: {len(balance_table(results))} rows")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from impact.validation import REPORT_PATH, default_workers, main

    return main(
        args.seeds, args.first_seed, args.employees, args.workers or default_workers(), args.output or REPORT_PATH
    )


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(prog="python -m impact", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="evaluate the plans on the warehouse and write the mart")
    run.add_argument(
        "--warehouse",
        default=os.environ.get("IMPACT_WAREHOUSE_URL") or os.environ.get("WAREHOUSE_PATH", "data/warehouse.duckdb"),
    )
    run.set_defaults(func=_run)
    check = commands.add_parser("validate", help="coverage of planted effects over generated companies")
    check.add_argument("--seeds", type=int, default=50)
    check.add_argument("--first-seed", type=int, default=1)
    check.add_argument("--employees", type=int, default=1000)
    check.add_argument("--workers", type=int, default=0, help="processes (default: up to 4 cores)")
    check.add_argument("--output", type=Path, default=None)
    check.set_defaults(func=_validate)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
