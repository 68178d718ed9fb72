from ingestion.kpi_files.source import kpi_files_source

__all__ = ["kpi_files_source"]
