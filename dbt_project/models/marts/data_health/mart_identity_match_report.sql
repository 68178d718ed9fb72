-- Identity match report per source system for the Data Health dashboard; the
-- identifiers behind the counts are in intermediate.int_identity__source_identities.

with

match_report as (

    select * from {{ ref('int_identity__match_report') }}

),

final as (

    select
        source_system,
        identity_count,
        matched_count,
        ambiguous_count,
        unmatched_count,
        matched_share

    from match_report

)

select * from final
