-- cmi5 attempts for reporting: one row per registration (a learner's enrolment in a cmi5
-- course) x assignable unit, from int_learning__cmi5_attempts (rules in its header):
-- sessions launched, terminated and abandoned, first completion and first pass, waived,
-- the moveOn criterion and whether it is satisfied.

with

attempts as (

    select * from {{ ref('int_learning__cmi5_attempts') }}

),

final as (

    select
        registration,
        au_id,
        employee_id,
        actor_key,
        first_launched_at,
        last_statement_at,
        session_count,
        terminated_session_count,
        abandoned_session_count,
        session_hours,
        is_completed,
        first_completed_at,
        is_passed,
        first_passed_at,
        first_pass_score_scaled,
        failed_count,
        best_score_scaled,
        is_waived,
        waived_at,
        move_on,
        is_move_on_met,
        satisfied_at,
        is_move_on_satisfied,
        attempt_status

    from attempts

)

select * from final
