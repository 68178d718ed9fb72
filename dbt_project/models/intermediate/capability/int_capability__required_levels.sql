-- Required levels per job profile x capability as non-overlapping validity periods.
-- An open-ended row (no effective_to) followed by a later row for the same job profile
-- and capability ends the day before that row starts, so a forgotten effective_to never
-- gives two bars at once.

with

required_levels as (

    select * from {{ ref('stg_framework__required_levels') }}

),

ordered as (

    select
        job_profile_id,
        capability_id,
        required_level,
        effective_from,
        effective_to,
        lead(effective_from) over (
            partition by job_profile_id, capability_id
            order by effective_from
        ) as next_effective_from

    from required_levels

),

windowed as (

    select
        job_profile_id,
        capability_id,
        required_level,
        effective_from,
        coalesce(
            effective_to,
            cast({{ dbt.dateadd('day', -1, 'next_effective_from') }} as date)
        ) as effective_to

    from ordered

)

select * from windowed
