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

from ingestion.registry import SOURCES as REGISTERED_SOURCES
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
# raw schema, description, pipeline suffix), from ingestion/registry.py, the list the command
# line (`python -m ingestion SOURCE`) loads from too, so both share each pipeline's state.
# Factories, so a disabled source is never built.
SOURCES = [
    (spec.name, spec.asset_name, spec.load_factory(), spec.dataset, spec.description, spec.pipeline_suffix)
    for spec in REGISTERED_SOURCES
]
# Sources that account for every file or page they read in `<raw schema>.load_reconciliation`.
RECONCILED_SOURCES = (
    "hr_files",
    "finance",
    "learnupon",
    "lrs",
    "bamboohr",
    "workday",
    "docebo",
    "lattice",
    "fifteen_five",
    "culture_amp",
    "framework",
    "kpi_files",
)

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
    "learnupon": AssetSpec(
        key=AssetKey(["raw_lms", "learnupon_learning_paths__courses"]),
        deps=[AssetKey(["raw_lms", "learnupon_learning_paths"])],
        group_name="ingestion",
        kinds={"dlt", "duckdb"},
        description="Courses of each learning path: written by the `learnupon_learning_paths` load (dlt child table).",
    ),
}


def ingestion_assets(disabled: frozenset[str] | None = None, hr_system: str | None = None) -> list:
    """The dlt assets (and child-table specs) of every enabled source; the HR system of
    record's description says it is."""
    disabled = disabled_sources(system=hr_system) if disabled is None else disabled
    record = HR_SYSTEMS[hr_system_of_record(hr_system)]
    made = []
    enabled = [entry for entry in SOURCES if entry[0] not in disabled]
    for source, name, factory, dataset, description, suffix in enabled:
        if source == record:
            description = f"{description} The HR system of record (HR_SYSTEM_OF_RECORD)."
        made.append(_make(name, factory(), dataset, description, pipeline_suffix=suffix))
        if source in CHILD_TABLES:
            made.append(CHILD_TABLES[source])
    return made + reconciliation_specs(enabled)


def reconciliation_specs(enabled: list[tuple]) -> list[AssetSpec]:
    """`<raw schema>/load_reconciliation`, written beside the tables of the enabled sources
    that reconcile: one asset per schema, downstream of every table whose load writes it."""
    by_dataset: dict[str, list[AssetKey]] = {}
    for source, _, factory, dataset, _, _ in enabled:
        if source in RECONCILED_SOURCES:
            by_dataset.setdefault(dataset, []).extend(AssetKey([dataset, r]) for r in factory().resources)
    return [
        AssetSpec(
            key=AssetKey([dataset, "load_reconciliation"]),
            deps=sorted(keys, key=lambda k: k.path),
            group_name="ingestion",
            kinds={"dlt", "duckdb"},
            description="Received, loaded, quarantined or rejected per file or page of each load: written by the"
            " loads of the tables it depends on.",
        )
        for dataset, keys in sorted(by_dataset.items())
    ]


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
