-- Learning statements that count, with the learner resolved to an employee and the verb's
-- meaning looked up.
--   * xAPI voiding: voided statements and voiding statements are dropped (stg_lms__statements
--     flags both; the voided ones stay visible there).
--   * The learner: int_identity__lms_actors by `actor_key` (account, mbox, mbox_sha1sum or
--     openid); statements of actors that resolve to no single employee keep a null
--     employee_id.
--   * activity_status: what the verb means for learning, from the seed xapi_verb_semantics
--     (ADL, cmi5, Tin Can, Open edX and Moodle verbs onto one set of statuses); null for a
--     verb the seed does not list.
--   * A completion is a `completed` statement, or a `passed` one when the learner has no
--     `completed` statement for the same activity (the course, else the activity IRI):
--     LMSs and cmi5 AUs that send both for a graded activity would otherwise count it twice.
--     `failed` never counts.

with

statements as (

    select * from {{ ref('stg_lms__statements') }}

),

lms_actors as (

    select * from {{ ref('int_identity__lms_actors') }}

),

verb_semantics as (

    select * from {{ ref('xapi_verb_semantics') }}

),

valid_statements as (

    select
        statements.*,
        coalesce(statements.course_id, statements.object_id) as activity_key

    from statements
    where not statements.is_voided
        and not statements.is_voiding

),

classified as (

    select
        valid_statements.*,
        verb_semantics.activity_status

    from valid_statements
    left join verb_semantics
        on valid_statements.verb_id = verb_semantics.verb_id

),

completed_activities as (

    select distinct
        actor_key,
        activity_key

    from classified
    where activity_status = 'completed'

),

resolved as (

    select
        classified.statement_id,
        lms_actors.employee_id,
        classified.actor_key,
        classified.actor_email,
        classified.course_id,
        classified.object_type,
        classified.object_id,
        classified.object_name,
        classified.object_definition_type,
        classified.verb_id,
        classified.verb,
        classified.activity_status,
        classified.occurred_at,
        classified.stored_at,
        classified.duration_hours,
        classified.score_raw,
        classified.score_min,
        classified.score_max,
        classified.score_scaled,
        classified.result_completion,
        classified.result_success,
        classified.result_response,
        classified.registration,
        classified.has_cmi5_category,
        classified.cmi5_session_id,
        classified.cmi5_launch_mode,
        classified.cmi5_move_on,
        classified.cmi5_mastery_score,
        classified.conformance_issue_count,
        classified.staging_issues,
        case
            when classified.activity_status = 'completed' then true
            when classified.activity_status = 'passed' and completed_activities.activity_key is null then true
            else false
        end as is_completion

    from classified
    left join lms_actors
        on classified.actor_key = lms_actors.actor_key
    left join completed_activities
        on classified.actor_key = completed_activities.actor_key
        and classified.activity_key = completed_activities.activity_key

)

select * from resolved
