"""dlt sources as Dagster assets. Asset keys equal the dbt source names
(`raw_hris/employees`), so lineage from ingestion into dbt needs no glue."""

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
from orchestration.settings import DLT_PIPELINES_DIR, WAREHOUSE_PATH


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


hris_assets = _make("bamboohr", bamboohr_source(), "raw_hris", "People and job history from BambooHR.")
lms_assets = _make("lrs", lrs_source(), "raw_lms", "xAPI statements from the learning record store.")
performance_assets = _make("lattice", lattice_source(), "raw_performance", "Reviews and ratings from Lattice.")
docebo_assets = _make(
    "docebo",
    docebo_source(),
    "raw_lms",
    "Users, courses, enrolments, learning plans and external training from the Docebo LMS.",
    pipeline_suffix="docebo",
)
workday_assets = _make(
    "workday", workday_source(), "raw_hris", "Worker snapshots from a Workday custom report.", pipeline_suffix="workday"
)
hr_files_assets = _make(
    "hr_files", hr_files_source(), "raw_hris", "Worker lists dropped as CSV/XLSX files.", pipeline_suffix="hr_files"
)
fifteen_five_assets = _make(
    "fifteen_five",
    fifteen_five_source(),
    "raw_performance",
    "Weekly check-ins from 15Five.",
    pipeline_suffix="fifteen_five",
)
culture_amp_assets = _make(
    "culture_amp",
    culture_amp_source(),
    "raw_performance",
    "Performance cycles and manager reviews from Culture Amp.",
    pipeline_suffix="culture_amp",
)
finance_assets = _make(
    "finance", finance_source(), "raw_finance", "Training spend: course prices, invoices, instructor and venue costs."
)
framework_assets = _make(
    "capability_framework", framework_source(), "raw_framework", "The capability framework files L&D maintains."
)

# dlt writes nested lists to child tables in the same load as their parent resource;
# declaring them keeps lineage unbroken from the parent's load to the models that read them.
CHILD_TABLES = [
    AssetSpec(
        key=AssetKey(["raw_performance", "reviews__competency_ratings"]),
        deps=[AssetKey(["raw_performance", "reviews"])],
        group_name="ingestion",
        kinds={"dlt", "duckdb"},
        description="Competency ratings of each review: written by the `reviews` load (dlt child table).",
    ),
    AssetSpec(
        key=AssetKey(["raw_lms", "docebo_learning_plans__courses"]),
        deps=[AssetKey(["raw_lms", "docebo_learning_plans"])],
        group_name="ingestion",
        kinds={"dlt", "duckdb"},
        description="Courses of each learning plan: written by the `docebo_learning_plans` load (dlt child table).",
    ),
]

INGESTION_ASSETS = [
    hris_assets,
    workday_assets,
    hr_files_assets,
    lms_assets,
    docebo_assets,
    performance_assets,
    fifteen_five_assets,
    culture_amp_assets,
    finance_assets,
    framework_assets,
    *CHILD_TABLES,
]
