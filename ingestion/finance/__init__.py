from ingestion.finance.source import finance_source

__all__ = ["finance_source"]
