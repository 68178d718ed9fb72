-- Capability assessments from every rater type on the one 1-5 scale:
--   * self / manager / peer / upward: performance-review competency ratings, mapped
--     through rating_scale_map (Lattice: scale `lattice_1_5`);
--   * test: a scored LMS result on a course mapped to the capability in the framework.
--     `passed` demonstrates the course's target level; `failed` counts as one level
--     below it (never below 1). The assessment date is the statement's date.
-- Unresolved people are kept with a null employee_id.

with

competency_assessments as (

    select * from {{ ref('int_performance__competency_assessments') }}

),

statements as (

    select * from {{ ref('int_learning__statements_resolved') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

rating_scale_map as (

    select * from {{ ref('rating_scale_map') }}

),

review_ratings as (

    select
        competency_assessments.assessment_id,
        cast('performance' as {{ dbt.type_string() }}) as source_system,
        competency_assessments.review_id as source_record_id,
        competency_assessments.employee_id,
        competency_assessments.capability_id,
        competency_assessments.rater_type,
        cast('lattice_1_5' as {{ dbt.type_string() }}) as scale_id,
        lower(cast(competency_assessments.assessed_level as {{ dbt.type_string() }})) as source_rating,
        competency_assessments.assessed_on,
        competency_assessments.submitted_at

    from competency_assessments

),

review_assessments as (

    select
        review_ratings.assessment_id,
        review_ratings.source_system,
        review_ratings.source_record_id,
        review_ratings.employee_id,
        review_ratings.capability_id,
        review_ratings.rater_type,
        review_ratings.scale_id,
        review_ratings.source_rating,
        rating_scale_map.harmonised_level as assessed_level,
        review_ratings.assessed_on,
        review_ratings.submitted_at

    from review_ratings
    left join rating_scale_map
        on review_ratings.scale_id = rating_scale_map.scale_id
        and review_ratings.source_rating = rating_scale_map.source_value

),

test_assessments as (

    select
        {{ dbt.concat(['statements.statement_id', "'-'", 'course_capabilities.capability_id']) }} as assessment_id,
        cast('lms' as {{ dbt.type_string() }}) as source_system,
        statements.statement_id as source_record_id,
        statements.employee_id,
        course_capabilities.capability_id,
        cast('test' as {{ dbt.type_string() }}) as rater_type,
        cast('lms_pass_fail' as {{ dbt.type_string() }}) as scale_id,
        statements.verb as source_rating,
        case
            when statements.verb = 'passed' then course_capabilities.target_level
            when course_capabilities.target_level > 1 then course_capabilities.target_level - 1
            else 1
        end as assessed_level,
        cast(statements.occurred_at as date) as assessed_on,
        statements.occurred_at as submitted_at

    from statements
    inner join course_capabilities
        on statements.course_id = course_capabilities.course_id
    where statements.verb in ('passed', 'failed')

),

unified as (

    select * from review_assessments
    union all
    select * from test_assessments

)

select * from unified
