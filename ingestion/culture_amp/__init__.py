from ingestion.culture_amp.source import culture_amp_source

__all__ = ["culture_amp_source"]
