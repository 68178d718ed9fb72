from ingestion.learnupon.source import learnupon_source

__all__ = ["learnupon_source"]
