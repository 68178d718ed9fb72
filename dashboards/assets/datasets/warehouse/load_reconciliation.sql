-- Every unit (a file, a page, a cursor window) each connector read, per raw schema and
-- load, from marts.mart_load_reconciliation: records received, loaded and quarantined, or
-- the whole unit rejected and why. The flags (skipped, balanced, latest load of the unit)
-- are the mart's. Counts of records, not people.
select
    raw_schema as schema_name,
    load_id,
    loaded_at,
    source as source_name,
    resource,
    unit,
    received,
    loaded,
    quarantined,
    is_rejected,
    reason,
    is_skipped,
    is_balanced,
    is_latest_for_unit
from marts.mart_load_reconciliation
