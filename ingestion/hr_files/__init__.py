from ingestion.hr_files.source import hr_files_source

__all__ = ["hr_files_source"]
