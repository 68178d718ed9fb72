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
DBT_PROJECT_DIR = _path("DBT_PROJECT_DIR", ROOT / "dbt_project")
DBT_TARGET = os.environ.get("DBT_TARGET", "duckdb")
SUPERSET_PYTHON = _path("SUPERSET_PYTHON", ROOT / ".venv" / "superset" / "bin" / "python")
DASHBOARDS_DIR = ROOT / "dashboards"

# -- Which sources this customer runs --------------------------------------------------------
# `DISABLED_SOURCES` (comma-separated, e.g. `culture_amp,workday`) switches sources off: no
# Dagster assets are made for them, and dbt (which reads the same variable through the
# `source_enabled` macro) disables their sources and staging models. The core sources are
# what the conformed model is built on and cannot be switched off.
CORE_SOURCES = ("bamboohr", "lrs", "lattice", "framework")
OPTIONAL_SOURCES = ("workday", "hr_files", "docebo", "fifteen_five", "culture_amp", "finance")


class SourceSettingsError(ValueError):
    """`DISABLED_SOURCES` names a source that does not exist or cannot be switched off."""


def disabled_sources(value: str | None = None) -> frozenset[str]:
    """The sources switched off by `DISABLED_SOURCES` (or `value`); a typo is an error,
    not a silently enabled source."""
    text = os.environ.get("DISABLED_SOURCES", "") if value is None else value
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    core = sorted(names & set(CORE_SOURCES))
    if core:
        raise SourceSettingsError(
            f"DISABLED_SOURCES: {', '.join(core)} cannot be switched off (the conformed model is built on "
            f"{', '.join(CORE_SOURCES)}); optional sources: {', '.join(OPTIONAL_SOURCES)}"
        )
    unknown = sorted(names - set(OPTIONAL_SOURCES))
    if unknown:
        raise SourceSettingsError(
            f"DISABLED_SOURCES: unknown source {', '.join(unknown)}; optional sources: {', '.join(OPTIONAL_SOURCES)}"
        )
    return frozenset(names)


def source_enabled(name: str) -> bool:
    return name not in disabled_sources()
