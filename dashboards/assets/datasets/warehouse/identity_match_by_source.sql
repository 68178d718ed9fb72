-- Identity resolution per source system (matched to an HRIS employee, ambiguous,
-- unmatched), from marts.mart_identity_match_report. Counts of identities only; the
-- identifiers behind them stay in intermediate.int_identity__source_identities.
select
    source_system,
    identity_count,
    matched_count,
    ambiguous_count,
    unmatched_count,
    matched_share
from marts.mart_identity_match_report
