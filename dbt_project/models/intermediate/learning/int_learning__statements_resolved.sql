-- Learning statements that still count, with the learner resolved to an employee.
-- xAPI voiding: a `voided` statement cancels the statement whose id is its object;
-- both the voiding and the voided statement are dropped. Statements from logins that
-- do not resolve to an employee are kept with a null employee_id.
-- A completion is a `completed` statement, or a `passed` statement when the learner has
-- no `completed` statement for that course (LMSs that send both for a graded course
-- would otherwise count it twice).

with

statements as (

    select * from {{ ref('stg_lms__statements') }}

),

lms_actors as (

    select * from {{ ref('int_identity__lms_actors') }}

),

voided_statement_ids as (

    select distinct
        object_id as statement_id

    from statements
    where verb = 'voided'

),

valid_statements as (

    select statements.*

    from statements
    where statements.verb <> 'voided'
        and not exists (
            select 1
            from voided_statement_ids
            where voided_statement_ids.statement_id = statements.statement_id
        )

),

completed_courses as (

    select distinct
        actor_email,
        course_id

    from valid_statements
    where verb = 'completed'

),

resolved as (

    select
        valid_statements.statement_id,
        lms_actors.employee_id,
        valid_statements.actor_email,
        valid_statements.course_id,
        valid_statements.object_name,
        valid_statements.verb,
        valid_statements.occurred_at,
        valid_statements.stored_at,
        valid_statements.duration_hours,
        valid_statements.score_scaled,
        valid_statements.result_completion,
        valid_statements.result_success,
        case
            when valid_statements.verb = 'completed' then true
            when valid_statements.verb = 'passed' and completed_courses.course_id is null then true
            else false
        end as is_completion

    from valid_statements
    left join lms_actors
        on valid_statements.actor_email = lms_actors.actor_email
    left join completed_courses
        on valid_statements.actor_email = completed_courses.actor_email
        and valid_statements.course_id = completed_courses.course_id

)

select * from resolved
