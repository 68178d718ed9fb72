from ingestion.bamboohr.source import bamboohr_source

__all__ = ["bamboohr_source"]
