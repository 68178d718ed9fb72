-- cmi5 attempts: one row per registration x assignable unit (the learner's enrolment in a
-- cmi5 course, and one AU of it), over all its sessions.
--   * sessions: how many launches, how many ended `terminated` and how many `abandoned`
--     (int_learning__cmi5_sessions);
--   * first_completed_at, first_passed_at (the first pass, with its scaled score),
--     first_failed_at, failed_count, best_score_scaled, from the cmi5 defined statements
--     on the AU in the registration, in or outside a session;
--   * waived_at: the LMS waived the AU (`waived`);
--   * move_on: the AU's moveOn criterion as the LMS sent it on its latest `launched`
--     (`Passed`, `Completed`, `CompletedAndPassed`, `CompletedOrPassed`, `NotApplicable`);
--     is_move_on_met applies it (cmi5 9.3.9: a waived AU meets any criterion; null when the
--     criterion is unknown and the AU was not waived);
--   * satisfied_at: the first `satisfied` statement of the registration on the AU itself
--     or on the course (activity type `https://w3id.org/xapi/cmi5/activitytype/course`):
--     the LMS says the moveOn criteria are met. A block's `satisfied` is not applied (the
--     statements do not say which AUs a block holds);
--   * is_move_on_satisfied: satisfied_at is set or is_move_on_met;
--   * attempt_status: `passed`, `completed`, `waived`, `failed`, `in_progress` (launched,
--     nothing of the above yet), in that order of precedence.
-- Only statements with the cmi5 context category count here.

{%- set cmi5_course_type = 'https://w3id.org/xapi/cmi5/activitytype/course' %}

with

statements as (

    select * from {{ ref('int_learning__statements_resolved') }}

),

sessions as (

    select * from {{ ref('int_learning__cmi5_sessions') }}

),

cmi5_statements as (

    select *

    from statements
    where registration is not null
        and has_cmi5_category
        and activity_status in (
            'launched', 'initialized', 'completed', 'passed', 'failed',
            'abandoned', 'waived', 'terminated', 'satisfied'
        )

),

au_statements as (

    select * from cmi5_statements where activity_status <> 'satisfied'

),

first_passes as (

    select
        registration,
        object_id as au_id,
        score_scaled,
        row_number() over (
            partition by registration, object_id
            order by occurred_at, statement_id
        ) as pass_rank

    from au_statements
    where activity_status = 'passed'

),

latest_launches as (

    select
        registration,
        object_id as au_id,
        cmi5_move_on,
        row_number() over (
            partition by registration, object_id
            order by occurred_at desc, statement_id desc
        ) as launch_rank

    from au_statements
    where activity_status = 'launched'
        and cmi5_move_on is not null

),

au_results as (

    select
        registration,
        object_id as au_id,
        min(actor_key) as actor_key,
        min(employee_id) as employee_id,
        min(case when activity_status = 'launched' then occurred_at end) as first_launched_at,
        min(occurred_at) as first_statement_at,
        max(occurred_at) as last_statement_at,
        min(case when activity_status = 'completed' then occurred_at end) as first_completed_at,
        min(case when activity_status = 'passed' then occurred_at end) as first_passed_at,
        min(case when activity_status = 'failed' then occurred_at end) as first_failed_at,
        sum(case when activity_status = 'failed' then 1 else 0 end) as failed_count,
        max(case when activity_status in ('passed', 'failed') then score_scaled end) as best_score_scaled,
        min(case when activity_status = 'waived' then occurred_at end) as waived_at

    from au_statements
    group by registration, object_id

),

satisfied_statements as (

    select
        registration,
        object_id,
        object_definition_type,
        occurred_at

    from cmi5_statements
    where activity_status = 'satisfied'

),

course_satisfied as (

    select
        registration,
        min(occurred_at) as satisfied_at

    from satisfied_statements
    where object_definition_type = '{{ cmi5_course_type }}'
    group by registration

),

au_satisfied as (

    select
        registration,
        object_id as au_id,
        min(occurred_at) as satisfied_at

    from satisfied_statements
    group by registration, object_id

),

session_counts as (

    select
        registration,
        au_id,
        count(*) as session_count,
        sum(case when session_status = 'terminated' then 1 else 0 end) as terminated_session_count,
        sum(case when session_status = 'abandoned' then 1 else 0 end) as abandoned_session_count,
        sum(coalesce(duration_hours, 0)) as session_hours

    from sessions
    group by registration, au_id

),

attempts as (

    select
        au_results.registration,
        au_results.au_id,
        au_results.actor_key,
        au_results.employee_id,
        au_results.first_launched_at,
        au_results.first_statement_at,
        au_results.last_statement_at,
        coalesce(session_counts.session_count, 0) as session_count,
        coalesce(session_counts.terminated_session_count, 0) as terminated_session_count,
        coalesce(session_counts.abandoned_session_count, 0) as abandoned_session_count,
        coalesce(session_counts.session_hours, 0) as session_hours,
        au_results.first_completed_at,
        au_results.first_passed_at,
        first_passes.score_scaled as first_pass_score_scaled,
        au_results.first_failed_at,
        au_results.failed_count,
        au_results.best_score_scaled,
        au_results.waived_at,
        latest_launches.cmi5_move_on as move_on,
        case
            when coalesce(au_satisfied.satisfied_at, course_satisfied.satisfied_at) is null then null
            when au_satisfied.satisfied_at is null then course_satisfied.satisfied_at
            when course_satisfied.satisfied_at is null then au_satisfied.satisfied_at
            when au_satisfied.satisfied_at < course_satisfied.satisfied_at then au_satisfied.satisfied_at
            else course_satisfied.satisfied_at
        end as satisfied_at

    from au_results
    left join first_passes
        on au_results.registration = first_passes.registration
        and au_results.au_id = first_passes.au_id
        and first_passes.pass_rank = 1
    left join latest_launches
        on au_results.registration = latest_launches.registration
        and au_results.au_id = latest_launches.au_id
        and latest_launches.launch_rank = 1
    left join session_counts
        on au_results.registration = session_counts.registration
        and au_results.au_id = session_counts.au_id
    left join au_satisfied
        on au_results.registration = au_satisfied.registration
        and au_results.au_id = au_satisfied.au_id
    left join course_satisfied
        on au_results.registration = course_satisfied.registration

),

judged as (

    select
        attempts.*,
        attempts.first_completed_at is not null as is_completed,
        attempts.first_passed_at is not null as is_passed,
        attempts.waived_at is not null as is_waived,
        case
            when attempts.waived_at is not null then true
            when lower(attempts.move_on) = 'notapplicable' then true
            when lower(attempts.move_on) = 'completed' then attempts.first_completed_at is not null
            when lower(attempts.move_on) = 'passed' then attempts.first_passed_at is not null
            when lower(attempts.move_on) = 'completedandpassed'
                then attempts.first_completed_at is not null and attempts.first_passed_at is not null
            when lower(attempts.move_on) = 'completedorpassed'
                then attempts.first_completed_at is not null or attempts.first_passed_at is not null
        end as is_move_on_met

    from attempts

),

final as (

    select
        registration,
        au_id,
        actor_key,
        employee_id,
        first_launched_at,
        first_statement_at,
        last_statement_at,
        cast(session_count as integer) as session_count,
        cast(terminated_session_count as integer) as terminated_session_count,
        cast(abandoned_session_count as integer) as abandoned_session_count,
        cast(session_hours as double precision) as session_hours,
        is_completed,
        first_completed_at,
        is_passed,
        first_passed_at,
        first_pass_score_scaled,
        first_failed_at,
        cast(failed_count as integer) as failed_count,
        best_score_scaled,
        is_waived,
        waived_at,
        move_on,
        is_move_on_met,
        satisfied_at,
        coalesce(satisfied_at is not null or is_move_on_met, false) as is_move_on_satisfied,
        cast(
            case
                when is_passed then 'passed'
                when is_completed then 'completed'
                when is_waived then 'waived'
                when failed_count > 0 then 'failed'
                else 'in_progress'
            end
            as {{ dbt.type_string() }}
        ) as attempt_status

    from judged

)

select * from final
