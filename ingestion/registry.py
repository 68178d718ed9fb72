"""Every source system the warehouse loads: its dlt source, raw schema and pipeline name.

One list, read by Dagster (`orchestration/assets/ingestion.py`) and by the command line
(`python -m ingestion SOURCE`), so both load into the same pipeline and share its
incremental state, ledgers and cursors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceSpec:
    name: str  # the name DISABLED_SOURCES and the command line use
    asset_name: str  # the Dagster multi-asset's name
    factory: str  # "<module>:<function>" returning the dlt source
    dataset: str  # raw schema
    description: str
    pipeline_suffix: str | None = None  # two sources may share a raw schema, never a pipeline

    @property
    def pipeline_name(self) -> str:
        return f"lp_warehouse_{self.dataset}" + (f"_{self.pipeline_suffix}" if self.pipeline_suffix else "")

    def load_factory(self) -> Callable:
        module, function = self.factory.split(":")
        return getattr(importlib.import_module(module), function)


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        "bamboohr",
        "bamboohr",
        "ingestion.bamboohr:bamboohr_source",
        "raw_hris",
        "People and job history from BambooHR.",
    ),
    SourceSpec(
        "workday",
        "workday",
        "ingestion.workday:workday_source",
        "raw_hris",
        "Worker snapshots from a Workday custom report.",
        "workday",
    ),
    SourceSpec(
        "hr_files",
        "hr_files",
        "ingestion.hr_files:hr_files_source",
        "raw_hris",
        "HR exports (history or snapshots) dropped as CSV/XLSX files, read through column mappings.",
        "hr_files",
    ),
    SourceSpec("lrs", "lrs", "ingestion.lrs:lrs_source", "raw_lms", "xAPI statements from the learning record store."),
    SourceSpec(
        "docebo",
        "docebo",
        "ingestion.docebo:docebo_source",
        "raw_lms",
        "Users, courses, enrolments, learning plans and external training from the Docebo LMS.",
        "docebo",
    ),
    SourceSpec(
        "learnupon",
        "learnupon",
        "ingestion.learnupon:learnupon_source",
        "raw_lms",
        "Users, courses, enrolments, learning paths and group memberships from the LearnUpon LMS.",
        "learnupon",
    ),
    SourceSpec(
        "lattice", "lattice", "ingestion.lattice:lattice_source", "raw_performance", "Reviews and ratings from Lattice."
    ),
    SourceSpec(
        "fifteen_five",
        "fifteen_five",
        "ingestion.fifteen_five:fifteen_five_source",
        "raw_performance",
        "Weekly check-ins from 15Five.",
        "fifteen_five",
    ),
    SourceSpec(
        "culture_amp",
        "culture_amp",
        "ingestion.culture_amp:culture_amp_source",
        "raw_performance",
        "Performance cycles and manager reviews from Culture Amp.",
        "culture_amp",
    ),
    SourceSpec(
        "finance",
        "finance",
        "ingestion.finance:finance_source",
        "raw_finance",
        "Training spend: course prices, invoices, instructor and venue costs.",
    ),
    SourceSpec(
        "kpi_files",
        "kpi_files",
        "ingestion.kpi_files:kpi_files_source",
        "raw_kpi",
        "Business KPI actuals (sales, support, operations exports) dropped as CSV/XLSX files, read through mappings.",
    ),
    SourceSpec(
        "framework",
        "capability_framework",
        "ingestion.framework:framework_source",
        "raw_framework",
        "The capability framework files L&D maintains.",
    ),
)
BY_NAME = {spec.name: spec for spec in SOURCES}


def source_spec(name: str) -> SourceSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; sources: {', '.join(BY_NAME)}") from None
