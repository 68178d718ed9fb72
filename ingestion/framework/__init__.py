from ingestion.framework.source import framework_source

__all__ = ["framework_source"]
