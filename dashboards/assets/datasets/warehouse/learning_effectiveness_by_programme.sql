-- Kirkpatrick / TDRp measures per year x programme (course), from
-- marts.mart_learning_effectiveness, as sums that add up across programmes and years.
-- Aggregate only: programme-years with fewer than 5 learners are left out, and the L2
-- (assessment) and L3 (behaviour) measures of fewer than 5 people are blanked (HR privacy
-- rule): an average over so few people would reveal their results.
with effectiveness as (
    select
        year_number,
        course_id,
        employee_count,
        learner_count,
        completer_count,
        learning_hours,
        scored_learner_count,
        l2_avg_best_score_scaled,
        l2_pass_rate,
        l3_learner_count,
        l3_avg_level_change
    from marts.mart_learning_effectiveness
    where learner_count >= 5
)

select
    make_date(effectiveness.year_number, 1, 1) as year_start_on,
    effectiveness.year_number,
    effectiveness.course_id as programme_id,
    course.course_name as programme_name,
    effectiveness.employee_count,
    effectiveness.learner_count,
    effectiveness.completer_count,
    effectiveness.learning_hours,
    effectiveness.scored_learner_count as assessed_learner_count,
    case when effectiveness.scored_learner_count >= 5 then effectiveness.scored_learner_count else 0 end
        as l2_reported_count,
    case
        when effectiveness.scored_learner_count >= 5
            then effectiveness.l2_avg_best_score_scaled * effectiveness.scored_learner_count
    end as l2_score_sum,
    case
        when effectiveness.scored_learner_count >= 5
            then cast(round(effectiveness.l2_pass_rate * effectiveness.scored_learner_count) as bigint)
    end as l2_passed_count,
    effectiveness.l3_learner_count,
    case when effectiveness.l3_learner_count >= 5 then effectiveness.l3_learner_count else 0 end
        as l3_reported_count,
    case
        when effectiveness.l3_learner_count >= 5
            then effectiveness.l3_avg_level_change * effectiveness.l3_learner_count
    end as l3_level_change_sum
from effectiveness
left join marts.dim_course as course
    on effectiveness.course_id = course.course_id
