"""The demo stack: demo data, vendor emulators, the LRS, the pipeline run and the UIs.

`python -m demo build` generates the demo company (when its size, seed or generator
changed), starts the BambooHR, Lattice, Docebo, 15Five, Workday, Culture Amp and LearnUpon
emulators and the real ralph LRS on loopback with credentials generated for this run,
fills the LRS, points the file-drop sources at the generated finance, HR and KPI files, runs
the Dagster job headless and stops what it started. `python -m demo serve` does the same, then keeps the
emulators and the LRS up and serves the Dagster UI and Superset until Ctrl-C.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import requests

from demo.emulators import WORKDAY_REPORT_PATH
from demo.generator import DemoCompany
from demo.kpis import write_kpis
from demo.learnupon import write_learnupon
from demo.lrs import RalphServer

ROOT = Path(__file__).resolve().parents[1]
PIPELINE_BIN = Path(sys.executable).parent
SUPERSET_PYTHON = ROOT / ".venv" / "superset" / "bin" / "python"
CREDENTIALS_FILE_NAME = ".demo-credentials.json"


def log(message: str) -> None:
    print(f"[demo {time.strftime('%H:%M:%S')}] {message}", flush=True)


def settings() -> dict:
    warehouse = Path(os.environ.get("WAREHOUSE_PATH", ROOT / "data" / "warehouse.duckdb"))
    warehouse = warehouse if warehouse.is_absolute() else ROOT / warehouse
    data_dir = warehouse.parent
    return {
        "employees": int(os.environ.get("DEMO_EMPLOYEES", "2000")),
        "seed": int(os.environ.get("DEMO_SEED", "42")),
        "warehouse": warehouse,
        "data_dir": data_dir,
        "demo_dir": data_dir / "demo",
        "serving": data_dir / "serving" / "warehouse.duckdb",
        "superset_home": Path(os.environ.get("SUPERSET_HOME", data_dir / "superset")),
        "dagster_home": Path(os.environ.get("DAGSTER_HOME", data_dir / "dagster_home")),
        "dagster_port": int(os.environ.get("DAGSTER_PORT", "3000")),
        "superset_port": int(os.environ.get("SUPERSET_PORT", "8088")),
        "lrs_port": int(os.environ.get("LRS_PORT", "8100")),
        "bamboohr_port": int(os.environ.get("BAMBOOHR_EMULATOR_PORT", "8101")),
        "lattice_port": int(os.environ.get("LATTICE_EMULATOR_PORT", "8102")),
        "docebo_port": int(os.environ.get("DOCEBO_EMULATOR_PORT", "8103")),
        "fifteen_five_port": int(os.environ.get("FIFTEEN_FIVE_EMULATOR_PORT", "8104")),
        "workday_port": int(os.environ.get("WORKDAY_EMULATOR_PORT", "8105")),
        "culture_amp_port": int(os.environ.get("CULTURE_AMP_EMULATOR_PORT", "8106")),
        "learnupon_port": int(os.environ.get("LEARNUPON_EMULATOR_PORT", "8107")),
    }


def fingerprint(employees: int, seed: int) -> str:
    """Changes whenever the demo data would change: size, seed, generator, framework or the
    dbt seeds the generator reads."""
    digest = hashlib.sha256(f"{employees}:{seed}".encode())
    generators = [
        ROOT / "demo" / name
        for name in ("generator.py", "docebo.py", "finance.py", "vendors.py", "learnupon.py", "kpis.py")
    ]
    seeds = [ROOT / "dbt_project" / "seeds" / "succession_assessed_capabilities.csv"]
    for path in sorted([*generators, *seeds, *(ROOT / "framework").glob("*.csv")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reset_warehouse(cfg: dict) -> None:
    """New demo data means a new company: drop the warehouse built from the old one.

    Loads merge on keys, so records of the previous company would otherwise stay."""
    removed = []
    for path in (cfg["warehouse"], cfg["warehouse"].with_name(cfg["warehouse"].name + ".wal")):
        if path.exists():
            path.unlink()
            removed.append(path.name)
    if (cfg["data_dir"] / "dlt").exists():
        shutil.rmtree(cfg["data_dir"] / "dlt")
        removed.append("dlt state")
    if removed:
        log(f"demo data changed: removed {', '.join(removed)}")


def ensure_demo_data(cfg: dict) -> dict:
    folder, wanted = cfg["demo_dir"], fingerprint(cfg["employees"], cfg["seed"])
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("fingerprint") == wanted:
            log(f"demo data up to date ({manifest['people']} people, {manifest['statements']} statements)")
            return manifest
    reset_warehouse(cfg)
    log(f"generating the demo company: DEMO_EMPLOYEES={cfg['employees']} DEMO_SEED={cfg['seed']} ...")
    started = time.monotonic()
    company = DemoCompany(cfg["employees"], cfg["seed"]).generate()
    manifest = company.write(folder)
    write_learnupon(company, folder)  # its own random stream: the other exports are unchanged
    write_kpis(company, folder)  # KPI exports for the KPI file drop, and their truth; own stream too
    manifest["fingerprint"] = wanted
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    log(
        f"generated {manifest['people']} people, {manifest['statements']} statements, "
        f"{manifest['reviews']} reviews in {time.monotonic() - started:.1f}s"
    )
    return manifest


def local_secrets(cfg: dict) -> dict:
    """Per-install secrets kept in a git-ignored, owner-only file; env vars win."""
    path = cfg["data_dir"] / CREDENTIALS_FILE_NAME
    stored = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    for key in ("SUPERSET_SECRET_KEY", "SUPERSET_ADMIN_PASSWORD", "SUPERSET_DEMO_PASSWORD"):
        if not stored.get(key):
            stored[key] = secrets.token_urlsafe(32 if key == "SUPERSET_SECRET_KEY" else 12)
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(stored, indent=2))
    values = {key: os.environ.get(key) or value for key, value in stored.items()}
    values["SUPERSET_ADMIN_USER"] = os.environ.get("SUPERSET_ADMIN_USER", "admin")
    return values


def wait_for_http(url: str, timeout: float, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = ""
            if log is not None and log.exists():
                tail = "; its last output:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            raise RuntimeError(f"process for {url} exited with {process.returncode}{tail}")
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:  # refused, or accepted but not answering yet
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def stop_process(process: subprocess.Popen, name: str, first: signal.Signals = signal.SIGTERM) -> None:
    """Signal the process group, then SIGKILL it if it is still there after 20 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, first)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        return
    log(f"stopped {name}")


@contextmanager
def source_systems(cfg: dict, manifest: dict):
    """Emulators and the LRS, up for the duration; yields the connector environment."""
    for name in (
        "bamboohr_port",
        "lattice_port",
        "docebo_port",
        "fifteen_five_port",
        "workday_port",
        "culture_amp_port",
        "learnupon_port",
        "lrs_port",
    ):
        if not port_free(cfg[name]):
            raise RuntimeError(f"port {cfg[name]} ({name}) is in use; stop the other demo or set the port variable")
    run_env = {
        "BAMBOOHR_API_KEY": secrets.token_urlsafe(24),
        "LATTICE_API_TOKEN": secrets.token_urlsafe(24),
        "DOCEBO_CLIENT_ID": f"demo-{secrets.token_hex(4)}",
        "DOCEBO_CLIENT_SECRET": secrets.token_urlsafe(24),
        "FIFTEEN_FIVE_API_KEY": secrets.token_urlsafe(24),
        "WORKDAY_USERNAME": "ISU_Warehouse@northwind",
        "WORKDAY_PASSWORD": secrets.token_urlsafe(18),
        "CULTURE_AMP_CLIENT_ID": f"demo-{secrets.token_hex(4)}",
        "CULTURE_AMP_CLIENT_SECRET": secrets.token_urlsafe(24),
        "LEARNUPON_USERNAME": secrets.token_hex(16),
        "LEARNUPON_PASSWORD": secrets.token_urlsafe(18),
        "LRS_USERNAME": "pipeline",
        "LRS_PASSWORD": secrets.token_urlsafe(18),
    }
    # The emulators' output goes to a file, so a start-up failure (a port taken meanwhile)
    # can be shown; request lines carry paths, never credentials.
    emulator_log = cfg["data_dir"] / "emulators.log"
    emulator_log.parent.mkdir(parents=True, exist_ok=True)
    emulator_output = emulator_log.open("wb")
    emulators = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "demo.emulators",
            "--data",
            str(cfg["demo_dir"]),
            "--bamboohr-port",
            str(cfg["bamboohr_port"]),
            "--lattice-port",
            str(cfg["lattice_port"]),
            "--docebo-port",
            str(cfg["docebo_port"]),
            "--fifteen-five-port",
            str(cfg["fifteen_five_port"]),
            "--workday-port",
            str(cfg["workday_port"]),
            "--culture-amp-port",
            str(cfg["culture_amp_port"]),
        ],
        cwd=ROOT,
        env={**os.environ, **run_env},
        start_new_session=True,
        stdout=emulator_output,
        stderr=subprocess.STDOUT,
    )
    emulator_output.close()  # the child holds its own handle
    learnupon = subprocess.Popen(
        [sys.executable, "-m", "demo.learnupon", "--data", str(cfg["demo_dir"]), "--port", str(cfg["learnupon_port"])],
        cwd=ROOT,
        env={**os.environ, **run_env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    ralph = RalphServer(cfg["data_dir"] / "lrs", cfg["lrs_port"], run_env["LRS_USERNAME"], run_env["LRS_PASSWORD"])
    try:
        wait_for_http(f"http://127.0.0.1:{cfg['lattice_port']}/", 30, emulators, emulator_log)
        for name in ("docebo_port", "fifteen_five_port", "workday_port", "culture_amp_port"):
            wait_for_http(f"http://127.0.0.1:{cfg[name]}/", 30, emulators, emulator_log)
        wait_for_http(f"http://127.0.0.1:{cfg['learnupon_port']}/", 30, learnupon)
        log(
            f"emulators up: BambooHR :{cfg['bamboohr_port']}, Lattice :{cfg['lattice_port']}, "
            f"Docebo :{cfg['docebo_port']}, 15Five :{cfg['fifteen_five_port']}, Workday :{cfg['workday_port']}, "
            f"Culture Amp :{cfg['culture_amp_port']}, LearnUpon :{cfg['learnupon_port']}"
        )
        if not ralph.is_filled_with(manifest["fingerprint"]):
            ralph.reset_store()
        ralph.start()
        log(f"ralph LRS on {ralph.url}")
        if not ralph.is_filled_with(manifest["fingerprint"]):
            stored = ralph.fill(cfg["demo_dir"] / "xapi_statements.jsonl", manifest["fingerprint"])
            log(f"LRS filled with {stored} xAPI statements")
        run_env.update(
            {
                "BAMBOOHR_BASE_URL": f"http://127.0.0.1:{cfg['bamboohr_port']}/api/gateway.php/northwind/v1",
                "LATTICE_BASE_URL": f"http://127.0.0.1:{cfg['lattice_port']}/v1",
                "DOCEBO_BASE_URL": f"http://127.0.0.1:{cfg['docebo_port']}",
                "FINANCE_EXPORT_DIR": str(cfg["demo_dir"] / "finance"),
                "HR_DROP_DIR": str(cfg["demo_dir"] / "hr_drop"),
                "KPI_DROP_DIR": str(cfg["demo_dir"] / "kpi_drop"),
                "FIFTEEN_FIVE_BASE_URL": f"http://127.0.0.1:{cfg['fifteen_five_port']}/api/public",
                "WORKDAY_REPORT_URL": f"http://127.0.0.1:{cfg['workday_port']}{WORKDAY_REPORT_PATH}",
                "WORKDAY_AS_OF_DATE": manifest["as_of"],
                "CULTURE_AMP_BASE_URL": f"http://127.0.0.1:{cfg['culture_amp_port']}/v1",
                "LEARNUPON_BASE_URL": f"http://127.0.0.1:{cfg['learnupon_port']}/api/v1",
                "LRS_URL": ralph.url,
            }
        )
        yield run_env
    finally:
        ralph.stop()
        stop_process(learnupon, "LearnUpon emulator")
        stop_process(emulators, "emulators")


def write_truth(cfg: dict) -> None:
    """The generator's planted truth, in `demo_truth` (for validation; models never read it)."""
    truth = json.loads((cfg["demo_dir"] / "truth.json").read_text())
    kpi_truth = cfg["demo_dir"] / "kpi_truth.json"  # demo/kpis.py: the planted KPI series
    if kpi_truth.exists():
        truth.update(json.loads(kpi_truth.read_text()))
    cfg["warehouse"].parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(cfg["warehouse"])) as con:
        con.execute("create schema if not exists demo_truth")
        for table, rows in truth.items():
            frame = pd.DataFrame(rows)  # noqa: F841 - read by the SQL below
            con.execute(f"create or replace table demo_truth.{table} as select * from frame")


def pipeline_env(cfg: dict, run_env: dict, local: dict) -> dict:
    cfg["dagster_home"].mkdir(parents=True, exist_ok=True)
    dagster_yaml = cfg["dagster_home"] / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text("telemetry:\n  enabled: false\n")
    return {
        **os.environ,
        **run_env,
        **local,
        "WAREHOUSE_PATH": str(cfg["warehouse"]),
        "SERVING_WAREHOUSE_PATH": str(cfg["serving"]),
        "SUPERSET_HOME": str(cfg["superset_home"]),
        "DAGSTER_HOME": str(cfg["dagster_home"]),
        "DLT_PIPELINES_DIR": str(cfg["data_dir"] / "dlt"),
        "RUNTIME__LOG_LEVEL": os.environ.get("RUNTIME__LOG_LEVEL", "WARNING"),
        # dagster-dbt looks `dbt` up on PATH when `dagster dev` re-parses the project.
        "PATH": f"{PIPELINE_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def run_step(name: str, command: list[str], env: dict) -> None:
    log(f"{name} ...")
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        raise SystemExit(f"[demo] {name} failed (exit {result.returncode})")
    log(f"{name} done in {time.monotonic() - started:.1f}s")


def build(cfg: dict, run_env: dict, local: dict) -> dict:
    env = pipeline_env(cfg, run_env, local)
    run_step("superset metadata (init)", [str(SUPERSET_PYTHON), "dashboards/superset_ctl.py", "init"], env)
    write_truth(cfg)
    run_step(
        "dbt parse",
        [
            str(PIPELINE_BIN / "dbt"),
            "parse",
            "--quiet",
            "--project-dir",
            "dbt_project",
            "--profiles-dir",
            "dbt_project",
        ],
        env,
    )
    run_step(
        "dagster job warehouse_job",
        [
            str(PIPELINE_BIN / "dagster"),
            "job",
            "execute",
            "-m",
            "orchestration.definitions",
            "-j",
            "warehouse_job",
            "-c",
            "orchestration/headless_run.yaml",
        ],
        env,
    )
    return env


def summary(cfg: dict) -> None:
    with duckdb.connect(str(cfg["serving"]), read_only=True) as con:
        for table in ("dim_employee", "fct_learning_activity", "fct_review", "mart_capability_gap"):
            count = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
            log(f"marts.{table}: {count} rows")


def serve(cfg: dict, env: dict, local: dict) -> None:
    processes = []
    try:
        for name in ("dagster_port", "superset_port"):
            if not port_free(cfg[name]):
                raise RuntimeError(f"port {cfg[name]} ({name}) is in use")
        dagster = subprocess.Popen(
            [
                str(PIPELINE_BIN / "dagster"),
                "dev",
                "-w",
                "workspace.yaml",
                "-h",
                "127.0.0.1",
                "-p",
                str(cfg["dagster_port"]),
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=(cfg["data_dir"] / "dagster.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        processes.append(("Dagster", dagster))
        superset = subprocess.Popen(
            [str(SUPERSET_PYTHON), "dashboards/superset_ctl.py", "serve"],
            cwd=ROOT,
            env={**env, "SUPERSET_PORT": str(cfg["superset_port"])},
            start_new_session=True,
            stdout=(cfg["data_dir"] / "superset.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        processes.append(("Superset", superset))
        wait_for_http(f"http://127.0.0.1:{cfg['superset_port']}/health", 240, superset)
        wait_for_http(f"http://127.0.0.1:{cfg['dagster_port']}/server_info", 240, dagster)
        admin = f"user {local['SUPERSET_ADMIN_USER']} / password {local['SUPERSET_ADMIN_PASSWORD']}"
        print(
            f"""
  Dagster UI  http://127.0.0.1:{cfg["dagster_port"]}   (asset graph: /asset-groups)
  Superset    http://127.0.0.1:{cfg["superset_port"]}   {admin}
              demo_manager / {local["SUPERSET_DEMO_PASSWORD"]} (row-level security: one manager's org subtree)
  Logs in {cfg["data_dir"]}; press Ctrl-C to stop everything.
""",
            flush=True,
        )
        # Explicit handlers: a shell starts background jobs with SIGINT ignored, and
        # Ctrl-C must stop the demo however it was started.
        stop = {"now": False}
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.update(now=True))
        while not stop["now"]:
            for name, process in processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited unexpectedly ({process.returncode}); see {cfg['data_dir']}")
            time.sleep(1)
    except KeyboardInterrupt:
        print()
    finally:
        for name, process in reversed(processes):
            # `dagster dev` shuts its daemon and code servers down cleanly on SIGINT.
            stop_process(process, name, signal.SIGINT if name == "Dagster" else signal.SIGTERM)
