"""Production connectors: one dlt source per source system, configured from the environment."""
