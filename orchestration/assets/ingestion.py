"""dlt sources as Dagster assets. Asset keys equal the dbt source names
(`raw_hris/employees`), so lineage from ingestion into dbt needs no glue.

A source named in `DISABLED_SOURCES` (orchestration/settings.py) gets no assets at all, so
the job never tries to load a system the customer does not run. Which HR source is the
system of record (`HR_SYSTEM_OF_RECORD`: BambooHR, Workday or the file drop) decides which
one may not be switched off; the others are optional like any other source."""

import dlt
from dagster import AssetExecutionContext, AssetKey, AssetSpec
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

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
from orchestration.settings import DLT_PIPELINES_DIR, HR_SYSTEMS, WAREHOUSE_PATH, disabled_sources, hr_system_of_record


class RawTableTranslator(DagsterDltTranslator):
    """One asset per dlt resource, keyed `[<raw schema>, <table>]`."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> AssetSpec:
        spec = super().get_asset_spec(data)
        dataset = data.pipeline.dataset_name if data.pipeline else "raw"
        return spec.replace_attributes(
            key=AssetKey([dataset, data.resource.name]),
            deps=[],
            group_name="ingestion",
            kinds={"dlt", "duckdb"},
        )


def _pipeline(dataset: str, name: str | None = None) -> dlt.Pipeline:
    # One pipeline per source; two sources may share a raw schema (LRS and Docebo in raw_lms).
    return dlt.pipeline(
        pipeline_name=f"lp_warehouse_{dataset}" + (f"_{name}" if name else ""),
        destination=dlt.destinations.duckdb(str(WAREHOUSE_PATH)),
        dataset_name=dataset,
        pipelines_dir=str(DLT_PIPELINES_DIR),
    )


def _make(name: str, source, dataset: str, description: str, pipeline_suffix: str | None = None):
    @dlt_assets(
        dlt_source=source,
        dlt_pipeline=_pipeline(dataset, pipeline_suffix),
        name=name,
        dagster_dlt_translator=RawTableTranslator(),
    )
    def _assets(context: AssetExecutionContext, dlt: DagsterDltResource):
        yield from dlt.run(context=context)

    _assets.__doc__ = description
    return _assets


# One entry per source system: (source name for DISABLED_SOURCES, asset name, dlt source factory,
# raw schema, description, pipeline suffix). Factories, so a disabled source is never built.
SOURCES = [
    ("bamboohr", "bamboohr", bamboohr_source, "raw_hris", "People and job history from BambooHR.", None),
    ("workday", "workday", workday_source, "raw_hris", "Worker snapshots from a Workday custom report.", "workday"),
    ("hr_files", "hr_files", hr_files_source, "raw_hris", "HR exports dropped as CSV/TSV/XLSX files.", "hr_files"),
    ("lrs", "lrs", lrs_source, "raw_lms", "xAPI statements from the learning record store.", None),
    (
        "docebo",
        "docebo",
        docebo_source,
        "raw_lms",
        "Users, courses, enrolments, learning plans and external training from the Docebo LMS.",
        "docebo",
    ),
    ("lattice", "lattice", lattice_source, "raw_performance", "Reviews and ratings from Lattice.", None),
    (
        "fifteen_five",
        "fifteen_five",
        fifteen_five_source,
        "raw_performance",
        "Weekly check-ins from 15Five.",
        "fifteen_five",
    ),
    (
        "culture_amp",
        "culture_amp",
        culture_amp_source,
        "raw_performance",
        "Performance cycles and manager reviews from Culture Amp.",
        "culture_amp",
    ),
    (
        "finance",
        "finance",
        finance_source,
        "raw_finance",
        "Training spend: course prices, invoices, instructor and venue costs.",
        None,
    ),
    (
        "framework",
        "capability_framework",
        framework_source,
        "raw_framework",
        "The capability framework files L&D maintains.",
        None,
    ),
]

# dlt writes nested lists to child tables in the same load as their parent resource;
# declaring them keeps lineage unbroken from the parent's load to the models that read them.
CHILD_TABLES = {
    "lattice": AssetSpec(
        key=AssetKey(["raw_performance", "reviews__competency_ratings"]),
        deps=[AssetKey(["raw_performance", "reviews"])],
        group_name="ingestion",
        kinds={"dlt", "duckdb"},
        description="Competency ratings of each review: written by the `reviews` load (dlt child table).",
    ),
    "docebo": AssetSpec(
        key=AssetKey(["raw_lms", "docebo_learning_plans__courses"]),
        deps=[AssetKey(["raw_lms", "docebo_learning_plans"])],
        group_name="ingestion",
        kinds={"dlt", "duckdb"},
        description="Courses of each learning plan: written by the `docebo_learning_plans` load (dlt child table).",
    ),
}


def ingestion_assets(disabled: frozenset[str] | None = None, hr_system: str | None = None) -> list:
    """The dlt assets (and child-table specs) of every enabled source; the HR system of
    record's description says it is."""
    disabled = disabled_sources(system=hr_system) if disabled is None else disabled
    record = HR_SYSTEMS[hr_system_of_record(hr_system)]
    made = []
    for source, name, factory, dataset, description, suffix in SOURCES:
        if source in disabled:
            continue
        if source == record:
            description = f"{description} The HR system of record (HR_SYSTEM_OF_RECORD)."
        made.append(_make(name, factory(), dataset, description, pipeline_suffix=suffix))
        if source in CHILD_TABLES:
            made.append(CHILD_TABLES[source])
    return made


def disabled_asset_keys(disabled: frozenset[str] | None = None) -> set[AssetKey]:
    """Raw-table asset keys of the switched-off sources (e.g. to leave their checks out)."""
    disabled = disabled_sources() if disabled is None else disabled
    keys = set()
    for source, _, factory, dataset, _, _ in SOURCES:
        if source in disabled:
            keys |= {AssetKey([dataset, resource]) for resource in factory().resources}
            if source in CHILD_TABLES:
                keys.add(CHILD_TABLES[source].key)
    return keys


INGESTION_ASSETS = ingestion_assets()
