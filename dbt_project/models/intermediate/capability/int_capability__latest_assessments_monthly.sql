-- The latest assessment per employee x capability x rater type (self, manager, peer,
-- upward, test; harmonised 1-5 levels) as of each month end.
-- Peer ratings of one capability in one review cycle are one assessment: their mean
-- (mean_assessed_level) and their number (rating_count), dated by the latest of them.
-- Every other rater type has one rating per assessment (rating_count 1, mean = level).
-- Within one month the latest assessment wins (assessed_on, then submission time, then
-- id); each month's winner holds until a later month has an assessment. How long a
-- rating stays valid is the reader's rule (mart_capability_gap: var
-- capability_rating_validity_days), so assessed_on is kept.
{{ config(materialized='table') }}

with

assessments as (

    select * from {{ ref('int_capability__assessments_unified') }}

),

months as (

    select * from {{ ref('int_calendar__months') }}

),

levelled as (

    select
        assessment_id,
        employee_id,
        capability_id,
        rater_type,
        review_cycle_id,
        assessed_level,
        assessed_on,
        submitted_at

    from assessments
    where employee_id is not null
        and assessed_level is not null

),

single_assessments as (

    select
        assessment_id,
        employee_id,
        capability_id,
        rater_type,
        assessed_level,
        cast(assessed_level as double precision) as mean_assessed_level,
        1 as rating_count,
        assessed_on,
        submitted_at

    from levelled
    where rater_type <> 'peer'

),

peer_ranked as (

    select
        levelled.*,
        {{ dbt.concat(['employee_id', "'|'", 'capability_id', "'|'", "coalesce(review_cycle_id, assessment_id)"]) }}
            as peer_group_key,
        row_number() over (
            partition by employee_id, capability_id, coalesce(review_cycle_id, assessment_id)
            order by assessed_on desc, submitted_at desc nulls last, assessment_id desc
        ) as recency_rank

    from levelled
    where rater_type = 'peer'

),

peer_groups as (

    select
        peer_group_key,
        avg(cast(assessed_level as double precision)) as mean_assessed_level,
        count(*) as rating_count

    from peer_ranked
    group by peer_group_key

),

peer_assessments as (

    select
        peer_ranked.assessment_id,
        peer_ranked.employee_id,
        peer_ranked.capability_id,
        peer_ranked.rater_type,
        peer_ranked.assessed_level,
        peer_groups.mean_assessed_level,
        peer_groups.rating_count,
        peer_ranked.assessed_on,
        peer_ranked.submitted_at

    from peer_ranked
    inner join peer_groups
        on peer_ranked.peer_group_key = peer_groups.peer_group_key
    where peer_ranked.recency_rank = 1

),

assessments_by_month as (

    select
        combined.*,
        cast({{ dbt.date_trunc('month', 'combined.assessed_on') }} as date) as assessed_month_start_on

    from (
        select * from single_assessments
        union all
        select * from peer_assessments
    ) as combined

),

ranked_within_month as (

    select
        assessments_by_month.*,
        row_number() over (
            partition by employee_id, capability_id, rater_type, assessed_month_start_on
            order by assessed_on desc, submitted_at desc nulls last, assessment_id desc
        ) as recency_rank

    from assessments_by_month

),

latest_within_month as (

    select
        assessment_id,
        employee_id,
        capability_id,
        rater_type,
        assessed_level,
        mean_assessed_level,
        rating_count,
        assessed_on,
        assessed_month_start_on,
        lead(assessed_month_start_on) over (
            partition by employee_id, capability_id, rater_type
            order by assessed_month_start_on
        ) as next_assessed_month_start_on

    from ranked_within_month
    where recency_rank = 1

),

monthly as (

    select
        months.month_start_on,
        months.month_end_on,
        latest_within_month.employee_id,
        latest_within_month.capability_id,
        latest_within_month.rater_type,
        latest_within_month.assessed_level,
        latest_within_month.assessed_on,
        latest_within_month.assessment_id,
        latest_within_month.mean_assessed_level,
        cast(latest_within_month.rating_count as integer) as rating_count

    from latest_within_month
    inner join months
        on months.month_start_on >= latest_within_month.assessed_month_start_on
        and (
            latest_within_month.next_assessed_month_start_on is null
            or months.month_start_on < latest_within_month.next_assessed_month_start_on
        )

)

select * from monthly
