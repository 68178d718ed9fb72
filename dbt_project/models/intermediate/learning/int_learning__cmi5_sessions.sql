-- cmi5 sessions: one row per registration x session id (one launch of one assignable unit).
-- Read from the statements that count (voided ones dropped) that carry a registration and
-- the cmi5 session id extension (`https://w3id.org/xapi/cmi5/context/extensions/sessionid`).
-- The cmi5 defined statements (context category `https://w3id.org/xapi/cmi5/context/
-- categories/cmi5`) give the session's shape:
--   * au_id: the object of its cmi5 defined statements (the AU's activity id);
--   * launched_at (LMS), initialized_at (AU), terminated_at (AU) or abandoned_at (LMS: the
--     session ended without `terminated`); session_status `terminated`, `abandoned`,
--     `open` (initialized, not ended) or `not_initialized` (launched only);
--   * duration_hours: the duration the AU reported on `terminated` (else the LMS on
--     `abandoned`), else the time from initialized (else launched) to the end (else the
--     last statement); elapsed_hours is always that clock time;
--   * the result: completed / passed / failed in the session, the scaled score of its
--     passed (else failed) statement, launch mode, moveOn criterion and mastery score as
--     the LMS set them on `launched`.
-- Statements without the cmi5 category but with the session id ("cmi5 allowed" statements
-- of the AU) count in statement_count and last_statement_at. `satisfied` and `waived` are
-- LMS statements about a course, block or AU outside a launch: they belong to attempts
-- (int_learning__cmi5_attempts), not sessions; a session id with neither `launched` nor
-- `initialized` is not a session.

with

statements as (

    select * from {{ ref('int_learning__statements_resolved') }}

),

session_statements as (

    select
        *,
        case when has_cmi5_category then activity_status end as cmi5_status

    from statements
    where registration is not null
        and cmi5_session_id is not null
        and not (has_cmi5_category and activity_status in ('satisfied', 'waived'))

),

last_scored as (

    select
        registration,
        cmi5_session_id,
        score_scaled,
        row_number() over (
            partition by registration, cmi5_session_id
            order by case when cmi5_status = 'passed' then 0 else 1 end, occurred_at desc, statement_id desc
        ) as score_rank

    from session_statements
    where cmi5_status in ('passed', 'failed')

),

sessions as (

    select
        registration,
        cmi5_session_id as session_id,
        min(case when cmi5_status is not null then object_id end) as au_id,
        min(actor_key) as actor_key,
        min(employee_id) as employee_id,
        min(case when cmi5_status = 'launched' then occurred_at end) as launched_at,
        min(case when cmi5_status = 'initialized' then occurred_at end) as initialized_at,
        max(case when cmi5_status = 'terminated' then occurred_at end) as terminated_at,
        max(case when cmi5_status = 'abandoned' then occurred_at end) as abandoned_at,
        min(occurred_at) as first_statement_at,
        max(occurred_at) as last_statement_at,
        max(case when cmi5_status = 'terminated' then duration_hours end) as terminated_duration_hours,
        max(case when cmi5_status = 'abandoned' then duration_hours end) as abandoned_duration_hours,
        max(case when cmi5_status = 'launched' then cmi5_launch_mode end) as launch_mode,
        max(case when cmi5_status = 'launched' then cmi5_move_on end) as move_on,
        max(cmi5_mastery_score) as mastery_score,
        max(case when cmi5_status = 'completed' then 1 else 0 end) = 1 as is_completed,
        max(case when cmi5_status = 'passed' then 1 else 0 end) = 1 as is_passed,
        max(case when cmi5_status = 'failed' then 1 else 0 end) = 1 as is_failed,
        count(*) as statement_count,
        sum(case when cmi5_status is not null then 1 else 0 end) as cmi5_statement_count

    from session_statements
    group by registration, cmi5_session_id
    having max(case when cmi5_status in ('launched', 'initialized') then 1 else 0 end) = 1

),

timed as (

    select
        sessions.*,
        coalesce(sessions.terminated_at, sessions.abandoned_at) as ended_at,
        {{ hours_between(
            'coalesce(sessions.initialized_at, sessions.launched_at)',
            'coalesce(sessions.terminated_at, sessions.abandoned_at, sessions.last_statement_at)'
        ) }} as elapsed_hours,
        coalesce(sessions.terminated_duration_hours, sessions.abandoned_duration_hours) as reported_duration_hours

    from sessions

),

final as (

    select
        timed.registration,
        timed.au_id,
        timed.session_id,
        timed.actor_key,
        timed.employee_id,
        timed.launched_at,
        timed.initialized_at,
        timed.terminated_at,
        timed.abandoned_at,
        timed.ended_at,
        timed.first_statement_at,
        timed.last_statement_at,
        cast(
            case
                when timed.terminated_at is not null then 'terminated'
                when timed.abandoned_at is not null then 'abandoned'
                when timed.initialized_at is not null then 'open'
                else 'not_initialized'
            end
            as {{ dbt.type_string() }}
        ) as session_status,
        cast(coalesce(timed.reported_duration_hours, timed.elapsed_hours) as double precision) as duration_hours,
        cast(timed.elapsed_hours as double precision) as elapsed_hours,
        timed.launch_mode,
        timed.move_on,
        timed.mastery_score,
        timed.is_completed,
        timed.is_passed,
        timed.is_failed,
        last_scored.score_scaled,
        cast(timed.statement_count as integer) as statement_count,
        cast(timed.cmi5_statement_count as integer) as cmi5_statement_count

    from timed
    left join last_scored
        on timed.registration = last_scored.registration
        and timed.session_id = last_scored.cmi5_session_id
        and last_scored.score_rank = 1

)

select * from final
