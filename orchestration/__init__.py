"""Dagster wiring for the warehouse: assets, checks, jobs and schedules. No business rules."""
