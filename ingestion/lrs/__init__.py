from ingestion.lrs.source import lrs_source

__all__ = ["lrs_source"]
