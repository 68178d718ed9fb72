-- Capability assessments from every rater type on the one 1-5 scale:
--   * self / manager / peer / upward: performance-review competency ratings, mapped
--     through rating_scale_map (Lattice: scale `lattice_1_5`);
--   * test: an LMS `passed` / `failed` result on a course mapped to the capability in the
--     framework, turned into a level only through the seed lms_assessment_levels (course or
--     `*` for any course, result verb, scaled-score band -> the course's target level, a
--     fixed level, or none). A result no rule gives a level to is left out: it is not an
--     assessment. The most specific rule wins (a named course over `*`, then the higher
--     score band). The assessment date is the statement's date.
-- review_cycle_id is the review's cycle (null for tests): peers of one cycle are averaged
-- downstream (int_capability__latest_assessments_monthly).
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

reviews as (

    select * from {{ ref('int_performance__reviews_resolved') }}

),

lms_assessment_levels as (

    select * from {{ ref('lms_assessment_levels') }}

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
        competency_assessments.submitted_at,
        reviews.review_cycle_id

    from competency_assessments
    left join reviews
        on competency_assessments.review_id = reviews.review_id

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
        review_ratings.submitted_at,
        review_ratings.review_cycle_id

    from review_ratings
    left join rating_scale_map
        on review_ratings.scale_id = rating_scale_map.scale_id
        and review_ratings.source_rating = rating_scale_map.source_value

),

test_results as (

    select
        statements.statement_id,
        statements.employee_id,
        statements.course_id,
        statements.verb,
        statements.score_scaled,
        statements.occurred_at,
        course_capabilities.capability_id,
        course_capabilities.target_level

    from statements
    inner join course_capabilities
        on statements.course_id = course_capabilities.course_id
    where statements.verb in ('passed', 'failed')

),

matched_rules as (

    select
        test_results.*,
        lms_assessment_levels.level_rule,
        lms_assessment_levels.assessed_level as rule_level,
        row_number() over (
            partition by test_results.statement_id, test_results.capability_id
            order by
                case when lms_assessment_levels.course_id = '*' then 1 else 0 end,
                lms_assessment_levels.min_scaled_score desc nulls last
        ) as rule_rank

    from test_results
    inner join lms_assessment_levels
        on (lms_assessment_levels.course_id = test_results.course_id or lms_assessment_levels.course_id = '*')
        and lms_assessment_levels.result_verb = test_results.verb
        and (
            lms_assessment_levels.min_scaled_score is null
            or test_results.score_scaled >= lms_assessment_levels.min_scaled_score
        )
        and (
            lms_assessment_levels.max_scaled_score is null
            or test_results.score_scaled < lms_assessment_levels.max_scaled_score
        )

),

test_assessments as (

    select
        {{ dbt.concat(['statement_id', "'-'", 'capability_id']) }} as assessment_id,
        cast('lms' as {{ dbt.type_string() }}) as source_system,
        statement_id as source_record_id,
        employee_id,
        capability_id,
        cast('test' as {{ dbt.type_string() }}) as rater_type,
        cast('lms_assessment_levels' as {{ dbt.type_string() }}) as scale_id,
        verb as source_rating,
        case
            when level_rule = 'course_target' then target_level
            when level_rule = 'fixed' then rule_level
        end as assessed_level,
        cast(occurred_at as date) as assessed_on,
        occurred_at as submitted_at,
        cast(null as {{ dbt.type_string() }}) as review_cycle_id

    from matched_rules
    where rule_rank = 1
        and level_rule in ('course_target', 'fixed')

),

unified as (

    select * from review_assessments
    union all
    select * from test_assessments

)

select * from unified
