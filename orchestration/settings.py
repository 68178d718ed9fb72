"""Paths and settings, all from the environment with the documented defaults."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    path = Path(value) if value else default
    return path if path.is_absolute() else (ROOT / path)


WAREHOUSE_PATH = _path("WAREHOUSE_PATH", ROOT / "data" / "warehouse.duckdb")
SERVING_WAREHOUSE_PATH = _path("SERVING_WAREHOUSE_PATH", WAREHOUSE_PATH.parent / "serving" / "warehouse.duckdb")
DLT_PIPELINES_DIR = _path("DLT_PIPELINES_DIR", WAREHOUSE_PATH.parent / "dlt")
DBT_PROJECT_DIR = ROOT / "dbt_project"
DBT_TARGET = os.environ.get("DBT_TARGET", "duckdb")
SUPERSET_PYTHON = _path("SUPERSET_PYTHON", ROOT / ".venv" / "superset" / "bin" / "python")
DASHBOARDS_DIR = ROOT / "dashboards"
