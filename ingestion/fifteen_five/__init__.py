from ingestion.fifteen_five.source import fifteen_five_source

__all__ = ["fifteen_five_source"]
