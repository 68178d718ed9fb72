{{ config(enabled=source_enabled('culture_amp')) }}

-- The Culture Amp bucket mapping in rating_scale_map agrees with Lattice where both tools
-- rated the same person for the same period (a migration overlap): on average within half
-- a level, and never more than one level apart. A tenant whose buckets mean something
-- else fails here and gets its own rows in the seed. No overlap, nothing to check.

with

overlap as (

    select
        scale_id,
        source_rating,
        harmonised_level,
        lattice_rating,
        abs(harmonised_level - lattice_rating) as level_difference

    from {{ ref('int_performance__culture_amp_reviews') }}
    where lattice_review_id is not null
        and harmonised_level is not null
        and lattice_rating is not null

),

by_scale as (

    select
        scale_id,
        count(*) as review_count,
        avg(cast(level_difference as double precision)) as mean_difference,
        max(level_difference) as max_difference

    from overlap
    group by scale_id

)

select *
from by_scale
where mean_difference > 0.5
    or max_difference > 1
