with

assessments as (

    select * from {{ ref('int_performance__competency_assessments') }}

),

final as (

    select
        assessment_id,
        review_id,
        employee_id,
        capability_id,
        rater_type,
        assessed_level,
        assessed_on

    from assessments

)

select * from final
