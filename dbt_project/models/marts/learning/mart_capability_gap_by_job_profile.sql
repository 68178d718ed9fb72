-- mart_capability_gap rolled up to month x job profile x capability; groups under 5
-- employees suppressed (macros/capability_gap_rollup.sql).
{{ capability_gap_rollup('job_profile_id') }}
