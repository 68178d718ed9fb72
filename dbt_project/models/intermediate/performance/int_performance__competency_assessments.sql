-- One assessment per review x framework capability. Competencies match capabilities by
-- name, case-insensitively; competencies outside the framework are dropped. A review
-- that rates the same capability twice keeps the last rating in its list. The
-- assessment date is the submission date, else the end of the period reviewed.

with

competency_ratings as (

    select * from {{ ref('stg_performance__competency_ratings') }}

),

competencies as (

    select * from {{ ref('stg_performance__competencies') }}

),

capabilities as (

    select * from {{ ref('stg_framework__capabilities') }}

),

reviews as (

    select * from {{ ref('int_performance__reviews_resolved') }}

),

competency_capabilities as (

    select
        competencies.competency_id,
        capabilities.capability_id

    from competencies
    inner join capabilities
        on lower(trim(competencies.competency_name)) = lower(trim(capabilities.capability_name))

),

ratings_on_capabilities as (

    select
        reviews.review_id,
        reviews.employee_id,
        reviews.rater_type,
        reviews.submitted_at,
        coalesce(cast(reviews.submitted_at as date), reviews.period_end_on) as assessed_on,
        competency_capabilities.capability_id,
        competency_ratings.rating as assessed_level,
        competency_ratings.list_index

    from competency_ratings
    inner join reviews
        on competency_ratings.review_dlt_id = reviews.review_dlt_id
    inner join competency_capabilities
        on competency_ratings.competency_id = competency_capabilities.competency_id
    where competency_ratings.rating is not null

),

ranked as (

    select
        ratings_on_capabilities.*,
        row_number() over (
            partition by review_id, capability_id
            order by list_index desc
        ) as position_from_last

    from ratings_on_capabilities

),

assessments as (

    select
        {{ dbt.concat(['review_id', "'-'", 'capability_id']) }} as assessment_id,
        review_id,
        employee_id,
        capability_id,
        rater_type,
        assessed_level,
        assessed_on,
        submitted_at

    from ranked
    where position_from_last = 1

)

select * from assessments
