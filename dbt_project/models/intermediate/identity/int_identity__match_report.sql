-- Identity match report: per source system, how many identifiers resolved to exactly
-- one employee, how many were ambiguous and how many matched nobody.

with

source_identities as (

    select * from {{ ref('int_identity__source_identities') }}

),

report as (

    select
        source_system,
        count(*) as identity_count,
        sum(case when match_status = 'matched' then 1 else 0 end) as matched_count,
        sum(case when match_status = 'ambiguous' then 1 else 0 end) as ambiguous_count,
        sum(case when match_status = 'unmatched' then 1 else 0 end) as unmatched_count

    from source_identities
    group by source_system

),

final as (

    select
        source_system,
        cast(identity_count as integer) as identity_count,
        cast(matched_count as integer) as matched_count,
        cast(ambiguous_count as integer) as ambiguous_count,
        cast(unmatched_count as integer) as unmatched_count,
        cast(matched_count as double precision) / identity_count as matched_share

    from report

)

select * from final
