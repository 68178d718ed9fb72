-- The Kirkpatrick funnel per year x programme (course), one row per stage, from
-- marts.mart_learning_effectiveness: started -> completed -> assessed (L2) -> passed (L2)
-- -> behaviour change measured (L3). Aggregate only: programme-years with fewer than 5
-- learners are left out, and a pass count derived from fewer than 5 assessed people is
-- blanked (HR privacy rule).
with effectiveness as (
    select
        year_number,
        course_id,
        learner_count,
        completer_count,
        scored_learner_count,
        case
            when scored_learner_count >= 5
                then cast(round(l2_pass_rate * scored_learner_count) as bigint)
        end as passed_learner_count,
        l3_learner_count
    from marts.mart_learning_effectiveness
    where learner_count >= 5
),

stages as (
    select year_number, course_id, 1 as stage_order, 'Started' as stage, learner_count as people
    from effectiveness
    union all
    select year_number, course_id, 2, 'Completed', completer_count
    from effectiveness
    union all
    select year_number, course_id, 3, 'Assessed (L2)', scored_learner_count
    from effectiveness
    union all
    select year_number, course_id, 4, 'Passed (L2)', passed_learner_count
    from effectiveness
    union all
    select year_number, course_id, 5, 'Change measured (L3)', l3_learner_count
    from effectiveness
)

select
    make_date(stages.year_number, 1, 1) as year_start_on,
    stages.year_number,
    stages.course_id as programme_id,
    course.course_name as programme_name,
    stages.stage_order,
    stages.stage,
    cast(stages.people as bigint) as people
from stages
left join marts.dim_course as course
    on stages.course_id = course.course_id
where stages.people is not null
