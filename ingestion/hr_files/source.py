"""HR file drop: worker lists exported as CSV or XLSX by a payroll provider or a local
HR system, placed in a folder.

The files' own headers are mapped to warehouse columns by a declared mapping (`MAPPING`,
the demo's Lisbon payroll provider), which a customer replaces with a JSON file
`{"<header in the file>": "<column>", ...}` named by `HR_DROP_MAPPING_FILE` (columns:
`employee_number`, `last_name`, `first_name`, `work_email`, `start_date`, `job_title`,
`cost_centre`, `weekly_hours`). Files matching `payroll_workers*.xlsx` or
`payroll_workers*.csv` in `HR_DROP_DIR` load once each (see `ingestion/files.py`) into
`raw_hris.payroll_workers`, merged on (`employee_number`, `source_file`): each file is a
dated snapshot of the provider's workers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dlt

from ingestion.errors import SourceConfigError, require_env
from ingestion.files import Column, FileKind, file_resource

SOURCE = "hr_files"
TYPES = {"start_date": "date", "weekly_hours": "int"}
OPTIONAL = {"job_title", "cost_centre", "weekly_hours"}
MAPPING = {
    "Nº Colaborador": "employee_number",
    "Apelido": "last_name",
    "Nome": "first_name",
    "Email": "work_email",
    "Data de Admissão": "start_date",
    "Função": "job_title",
    "Centro de Custo": "cost_centre",
    "Horas Semanais": "weekly_hours",
}


def payroll_kind(mapping: dict[str, str]) -> FileKind:
    missing = {"employee_number", "start_date"} - set(mapping.values())
    if missing:
        raise SourceConfigError(f"{SOURCE}: the column mapping lacks {', '.join(sorted(missing))}")
    columns = [
        Column(header, TYPES.get(name, "text"), required=name not in OPTIONAL, rename=name)
        for header, name in mapping.items()
    ]
    return FileKind(
        "payroll_workers", "payroll_workers*.xlsx|payroll_workers*.csv", columns, key=["employee_number", "source_file"]
    )


@dlt.source(name=SOURCE)
def hr_files_source(folder: str | None = None, mapping: dict[str, str] | None = None):
    """Worker files from the HR drop folder; folder and mapping are read when the load runs."""
    mapping_file = os.environ.get("HR_DROP_MAPPING_FILE")
    declared = mapping or (json.loads(Path(mapping_file).read_text(encoding="utf-8")) if mapping_file else MAPPING)

    def folder_of() -> Path:
        path = Path(require_env(SOURCE, "HR_DROP_DIR", folder or os.environ.get("HR_DROP_DIR")))
        if not path.is_dir():
            raise SourceConfigError(f"{SOURCE}: HR_DROP_DIR {path} is not a folder")
        return path

    return file_resource(SOURCE, payroll_kind(declared), folder_of)
