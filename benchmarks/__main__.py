"""`make bench`: time each pipeline stage for demo orgs of several sizes.

Set-up (virtualenvs, Superset metadata) is excluded. Each size gets a fresh data folder
and fresh source systems; every stage runs `--repeats` times (`--repeats-large` above
5,000 employees) on the same input (loads are idempotent, so a repeat redoes the same
work) and the median is reported, with the ratio between the largest and the smallest
size. Results go to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import dlt
import duckdb

from demo import stack
from demo.generator import DemoCompany
from demo.lrs import RalphServer
from orchestration.assets.serving import publish_serving_copy

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kib / 1024 / 1024:.0f} GiB RAM, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, {platform.system()} {platform.release()}"
    )


def timed_runs(repeats: int, fn: Callable[[], object]) -> tuple[list[float], object]:
    runs, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return runs, result


def timed(repeats: int, fn: Callable[[], object]) -> tuple[float, object]:
    """Median of `repeats` runs of work that is the same every time."""
    runs, result = timed_runs(repeats, fn)
    return statistics.median(runs), result


def load(source, dataset: str, warehouse: Path, pipelines: Path) -> None:
    pipeline = dlt.pipeline(
        pipeline_name=f"bench_{dataset}_{source.name}",  # two sources may share a raw schema
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name=dataset,
        pipelines_dir=str(pipelines),
    )
    pipeline.run(source)


def bench_size(employees: int, seed: int, repeats: int, workdir: Path) -> dict:
    from ingestion.bamboohr import bamboohr_source
    from ingestion.culture_amp import culture_amp_source
    from ingestion.docebo import docebo_source
    from ingestion.fifteen_five import fifteen_five_source
    from ingestion.finance import finance_source
    from ingestion.framework import framework_source
    from ingestion.hr_files import hr_files_source
    from ingestion.lattice import lattice_source
    from ingestion.lrs import lrs_source
    from ingestion.workday import workday_source

    data = workdir / f"org_{employees}"
    warehouse = data / "warehouse.duckdb"
    cfg = {
        **stack.settings(),
        "employees": employees,
        "repeats": repeats,
        "seed": seed,
        "warehouse": warehouse,
        "data_dir": data,
        "demo_dir": data / "demo",
        "serving": data / "serving" / "warehouse.duckdb",
        "superset_home": data / "superset",
    }
    stages: dict[str, float] = {}
    log(f"{employees} employees: generating")
    stages["generate demo company"], manifest = timed(
        1, lambda: DemoCompany(employees, seed).generate().write(cfg["demo_dir"])
    )
    manifest["fingerprint"] = stack.fingerprint(employees, seed)
    (cfg["demo_dir"] / "manifest.json").write_text(json.dumps(manifest))
    env = {**os.environ, "WAREHOUSE_PATH": str(warehouse)}

    # Filled here, timed, under the demo's fingerprint: the source systems below reuse the store.
    ralph = RalphServer(data / "lrs", cfg["lrs_port"], "bench", "bench-only-password")
    ralph.reset_store()
    ralph.start()
    try:
        stages["fill LRS (one bulk POST)"], _ = timed(
            1, lambda: ralph.fill(cfg["demo_dir"] / "xapi_statements.jsonl", manifest["fingerprint"])
        )
    finally:
        ralph.stop()

    with stack.source_systems(cfg, manifest) as run_env:
        os.environ.update(run_env)
        pipes = data / "dlt"
        for label, source_fn, dataset in [
            ("load BambooHR", bamboohr_source, "raw_hris"),
            ("load Workday report", workday_source, "raw_hris"),
            ("load HR file drop", hr_files_source, "raw_hris"),
            ("load LRS statements (ralph)", lrs_source, "raw_lms"),
            ("load Docebo", docebo_source, "raw_lms"),
            ("load finance export", finance_source, "raw_finance"),
            ("load Lattice", lattice_source, "raw_performance"),
            ("load Culture Amp", culture_amp_source, "raw_performance"),
            ("load 15Five", fifteen_five_source, "raw_performance"),
            ("load capability framework", framework_source, "raw_framework"),
        ]:
            log(f"{employees} employees: {label}")
            # The first run loads everything; later runs are what a scheduled re-run costs
            # (incremental cursors, merges of unchanged rows, files already loaded).
            runs, _ = timed_runs(repeats, lambda s=source_fn, d=dataset: load(s(), d, warehouse, pipes))
            stages[f"{label}: first load"] = runs[0]
            if len(runs) > 1:
                stages[f"{label}: re-run"] = statistics.median(runs[1:])
    dbt = [str(BIN / "dbt"), "--quiet", "build", "--project-dir", "dbt_project", "--profiles-dir", "dbt_project"]
    log(f"{employees} employees: dbt build")
    stages["dbt build (models + tests)"], _ = timed(
        repeats, lambda: subprocess.run(dbt, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    )
    from expectations.runner import validate_all

    log(f"{employees} employees: Great Expectations")
    stages["Great Expectations suites"], results = timed(repeats, lambda: validate_all(warehouse))
    if not all(r.success for r in results):
        raise SystemExit(f"quality checks failed at {employees} employees; benchmark figures would be meaningless")
    stages["publish serving copy"], counts = timed(repeats, lambda: publish_serving_copy(warehouse, cfg["serving"]))
    superset_env = {
        **env,
        **stack.local_secrets(cfg),
        "SUPERSET_HOME": str(cfg["superset_home"]),
        "SERVING_WAREHOUSE_PATH": str(cfg["serving"]),
    }
    ctl = [str(stack.SUPERSET_PYTHON), "dashboards/superset_ctl.py"]
    subprocess.run([*ctl, "init"], cwd=ROOT, env=superset_env, check=True, capture_output=True)
    log(f"{employees} employees: Superset import")
    stages["Superset import"], _ = timed(
        repeats, lambda: subprocess.run([*ctl, "import"], cwd=ROOT, env=superset_env, check=True, capture_output=True)
    )
    size_mib = warehouse.stat().st_size / 1024 / 1024
    return {
        "employees": employees,
        "repeats": repeats,
        "people": manifest["people"],
        "statements": manifest["statements"],
        "reviews": manifest["reviews"],
        "stages": stages,
        "gap_rows": counts["mart_capability_gap"],
        "warehouse_mib": size_mib,
    }


def write_report(results: list[dict], path: Path) -> None:
    small, large = results[0], results[-1]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` on: {machine()}.",
        "Runs per stage: "
        + ", ".join(f"{r['repeats']} at {r['employees']:,} employees" for r in results)
        + ". Seconds: for each load, the first load and the median of the re-runs; for the other",
        "stages, the median. The total is one build (loads at their first load). Set-up (virtualenvs,",
        "Superset metadata) is excluded. The machine is shared, so read ratios, not decimals.",
        "",
        "| stage | " + " | ".join(f"{r['employees']:,} employees (s)" for r in results) + " | ratio |",
        "| --- | " + " | ".join("---:" for _ in results) + " | ---: |",
    ]
    names = list(dict.fromkeys(stage for r in results for stage in r["stages"]))
    for stage in names:
        values = [r["stages"].get(stage) for r in results]
        cells = " | ".join("-" if v is None else f"{v:.1f}" for v in values)
        known = values[0] is not None and values[-1] is not None and values[0] > 0.01
        lines.append(f"| {stage} | {cells} | " + (f"{values[-1] / values[0]:.1f}x |" if known else "- |"))
    # The total is one build: every stage once, loads counted at their first load.
    total = [sum(v for k, v in r["stages"].items() if not k.endswith(": re-run")) for r in results]
    lines.append("| **total** | " + " | ".join(f"**{t:.1f}**" for t in total) + f" | {total[-1] / total[0]:.1f}x |")
    lines += [
        "",
        "| size | people over 3 years | xAPI statements | reviews | gap mart rows | warehouse file |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['employees']:,} | {r['people']:,} | {r['statements']:,} | {r['reviews']:,} | "
            f"{r['gap_rows']:,} | {r['warehouse_mib']:.0f} MiB |"
        )
    ratio_people = large["people"] / small["people"]
    lines += [
        "",
        f"The larger org has {ratio_people:.1f}x the people; the total time grew {total[-1] / total[0]:.1f}x.",
        "",
    ]
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--repeats", type=int, default=3, help="runs per stage for orgs up to 5,000 employees")
    parser.add_argument("--repeats-large", type=int, default=2, help="runs per stage for larger orgs")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("DEMO_SEED", "42")))
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "BENCHMARKS.md")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lp-bench-"))
    try:
        results = [
            bench_size(size, args.seed, args.repeats if size <= 5000 else args.repeats_large, workdir)
            for size in sorted(args.sizes)
        ]
        write_report(results, args.output)
        log(f"wrote {args.output}")
        print(args.output.read_text())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
