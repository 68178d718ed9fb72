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
# `HR_SYSTEM_OF_RECORD` names the HR system the conformed people model (dim_employee, identity
# resolution, manager scopes) is built on: `bamboohr` (default), `workday` or `files` (the HR
# file drop, source `hr_files`). dbt reads the same variable (macro `hr_system_of_record`).
# `DISABLED_SOURCES` (comma-separated, e.g. `culture_amp,workday`) switches sources off: no
# Dagster assets are made for them, and dbt (which reads the same variable through the
# `source_enabled` macro) disables their sources and staging models. The core sources are
# what the conformed model is built on and cannot be switched off: the learning record store,
# Lattice, the capability framework and the HR system of record. The other HR systems are
# optional.
HR_SYSTEMS = {"bamboohr": "bamboohr", "workday": "workday", "files": "hr_files"}  # setting -> source
DEFAULT_HR_SYSTEM = "bamboohr"
HR_SYSTEM_ALIASES = {"hr_files": "files"}  # the file drop's source name also names it
BASE_CORE_SOURCES = ("lrs", "lattice", "framework")
OTHER_OPTIONAL_SOURCES = ("docebo", "learnupon", "fifteen_five", "culture_amp", "finance", "kpi_files")


class SourceSettingsError(ValueError):
    """`DISABLED_SOURCES` or `HR_SYSTEM_OF_RECORD` names a source that does not exist, or
    switches off a source the conformed model is built on."""


def hr_system_of_record(value: str | None = None) -> str:
    """The HR system of record from `HR_SYSTEM_OF_RECORD` (or `value`): `bamboohr` when unset;
    anything but `bamboohr`, `workday` or `files` is an error."""
    text = os.environ.get("HR_SYSTEM_OF_RECORD", "") if value is None else value
    name = text.strip().lower() or DEFAULT_HR_SYSTEM
    name = HR_SYSTEM_ALIASES.get(name, name)
    if name not in HR_SYSTEMS:
        raise SourceSettingsError(
            f"HR_SYSTEM_OF_RECORD: unknown HR system {text.strip()!r}; one of {', '.join(HR_SYSTEMS)}"
            f" (default {DEFAULT_HR_SYSTEM})"
        )
    return name


def core_sources(system: str | None = None) -> tuple[str, ...]:
    """Sources that cannot be switched off: the HR system of record's and the base ones."""
    return (HR_SYSTEMS[hr_system_of_record(system)], *BASE_CORE_SOURCES)


def optional_sources(system: str | None = None) -> tuple[str, ...]:
    """Sources DISABLED_SOURCES may name: the HR systems that are not the system of record,
    then the other optional systems."""
    record = HR_SYSTEMS[hr_system_of_record(system)]
    return (*(source for source in HR_SYSTEMS.values() if source != record), *OTHER_OPTIONAL_SOURCES)


HR_SYSTEM_OF_RECORD = hr_system_of_record()
CORE_SOURCES = core_sources(HR_SYSTEM_OF_RECORD)
OPTIONAL_SOURCES = optional_sources(HR_SYSTEM_OF_RECORD)


def disabled_sources(value: str | None = None, system: str | None = None) -> frozenset[str]:
    """The sources switched off by `DISABLED_SOURCES` (or `value`), given the HR system of
    record (`HR_SYSTEM_OF_RECORD`, or `system`); a typo is an error, not a silently enabled
    source, and so is switching off a core source."""
    text = os.environ.get("DISABLED_SOURCES", "") if value is None else value
    record = hr_system_of_record(system)
    core, optional = core_sources(record), optional_sources(record)
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    switched_off_core = sorted(names & set(core))
    if switched_off_core:
        raise SourceSettingsError(
            f"DISABLED_SOURCES: {', '.join(switched_off_core)} cannot be switched off (the conformed model is built"
            f" on {', '.join(core)}; HR_SYSTEM_OF_RECORD={record}); optional sources: {', '.join(optional)}"
        )
    unknown = sorted(names - set(optional))
    if unknown:
        raise SourceSettingsError(
            f"DISABLED_SOURCES: unknown source {', '.join(unknown)}; optional sources: {', '.join(optional)}"
        )
    return frozenset(names)


def source_enabled(name: str) -> bool:
    return name not in disabled_sources()
