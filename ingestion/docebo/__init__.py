from ingestion.docebo.source import docebo_source

__all__ = ["docebo_source"]
