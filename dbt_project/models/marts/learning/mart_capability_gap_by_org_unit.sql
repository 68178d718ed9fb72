-- mart_capability_gap rolled up to month x org unit x capability; groups under 5
-- employees suppressed (macros/capability_gap_rollup.sql).
{{ capability_gap_rollup('org_unit_id') }}
