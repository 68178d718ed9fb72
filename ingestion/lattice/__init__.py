from ingestion.lattice.source import lattice_source

__all__ = ["lattice_source"]
