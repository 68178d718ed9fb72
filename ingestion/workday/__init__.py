from ingestion.workday.source import workday_source

__all__ = ["workday_source"]
