-- xAPI statements, one row per statement the LRS connector loaded, voided ones included,
-- with every part of the statement the warehouse reads taken out of its JSON:
--   * language maps (verb display, activity name and description) in the preferred
--     language (var `xapi_language_preference`, default en-US, en, en-GB, then any; macro
--     xapi_language_text);
--   * result: completion, success, response, score raw / min / max / scaled, duration in
--     hours (macro iso8601_duration_to_hours: years 365.25 days, months 30.4375 days);
--   * context: registration, instructor, team, platform, language, revision, statement
--     ref, contextActivities (parent, grouping, category, other) and extensions as JSON,
--     the cmi5 category, session id, launch mode, moveOn and mastery score;
--   * the actor's identifier: account, mbox, mbox_sha1sum or openid, and `actor_key`, the
--     one text identity resolution keys on;
--   * authority, stored, the connector's conformance issues, voiding.
-- Nothing a statement holds can fail a query of this view: values are read with typed,
-- never-failing macros (json_values.sql). A value of the wrong JSON type (`"success":
-- "yes"`, a score sent as text) or out of range (score.scaled outside [-1, 1]) or a
-- duration that is not ISO 8601 becomes null, and `staging_issues` names it
-- (`result.success.type`, `result.score.scaled.range`, `result.duration.format`, ...).
-- Older loads lack the connector's newer columns (column_or_null) and may hold timestamps
-- without offset: those are read as UTC (macro xapi_utc_timestamp).
-- Voiding: a statement is voided when the connector says so (`is_voided`, `voided_by`)
-- or when a voiding statement in the table names it (loads from before the connector
-- tracked voids). A voiding statement cannot itself be voided (xAPI). Both stay here;
-- int_learning__statements_resolved drops them.

{%- set voided_verb_id = 'http://adlnet.gov/expapi/verbs/voided' -%}
{%- set cmi5_category_id = 'https://w3id.org/xapi/cmi5/context/categories/cmi5' -%}
{%- set cmi5_extensions = 'https://w3id.org/xapi/cmi5/context/extensions/' %}

with

source as (

    select * from {{ source('raw_lms', 'statements') }}

),

loaded as (

    select
        lower({{ to_text('id') }}) as statement_id,
        "timestamp" as raw_timestamp,
        {{ column_or_null('raw_lms', 'statements', 'stored') }} as raw_stored,
        {{ to_text('verb_id') }} as verb_id,
        {{ to_text('actor_account_name') }} as raw_actor_account_name,
        {{ to_text('object_id') }} as raw_object_id,
        {{ to_text(column_or_null('raw_lms', 'statements', 'object_type')) }} as raw_object_type,
        statement,
        {{ column_or_null('raw_lms', 'statements', 'conformance_issues') }} as raw_conformance_issues,
        {{ to_text(column_or_null('raw_lms', 'statements', 'content_sha256')) }} as content_sha256,
        lower({{ to_text(column_or_null('raw_lms', 'statements', 'voided_by')) }}) as raw_voided_by,
        {{ to_boolean(column_or_null('raw_lms', 'statements', 'is_voided')) }} as raw_is_voided

    from source

),

parsed as (

    select
        statement_id,
        coalesce(
            {{ xapi_utc_timestamp('raw_timestamp') }},
            {{ xapi_utc_timestamp(json_text_at('statement', ['timestamp'])) }}
        ) as occurred_at,
        raw_timestamp is not null
            or {{ json_text_at('statement', ['timestamp']) }} is not null as has_timestamp,
        coalesce(
            {{ xapi_utc_timestamp('raw_stored') }},
            {{ xapi_utc_timestamp(json_text_at('statement', ['stored'])) }}
        ) as stored_at,
        raw_stored is not null
            or {{ json_text_at('statement', ['stored']) }} is not null as has_stored,
        {{ to_text(json_text_at('statement', ['version'])) }} as statement_version,

        verb_id,
        {{ xapi_language_text('statement', ['verb', 'display']) }} as verb_display,

        coalesce({{ to_text(json_text_at('statement', ['actor', 'objectType'])) }}, 'Agent') as actor_object_type,
        {{ to_text(json_text_at('statement', ['actor', 'name'])) }} as actor_name,
        {{ to_text(json_text_at('statement', ['actor', 'account', 'homePage'])) }} as actor_account_home_page,
        coalesce(
            {{ to_text(json_text_at('statement', ['actor', 'account', 'name'])) }},
            -- rows written without the statement's actor (hand-made or very old loads)
            case when {{ json_type_at('statement', ['actor']) }} is null then raw_actor_account_name end
        ) as actor_account_name,
        nullif(
            regexp_replace(lower({{ to_text(json_text_at('statement', ['actor', 'mbox'])) }}), '^mailto:', ''),
            ''
        ) as actor_mbox,
        lower({{ to_text(json_text_at('statement', ['actor', 'mbox_sha1sum'])) }}) as actor_mbox_sha1sum,
        {{ to_text(json_text_at('statement', ['actor', 'openid'])) }} as actor_openid,

        coalesce(
            raw_object_type,
            {{ to_text(json_text_at('statement', ['object', 'objectType'])) }},
            'Activity'
        ) as object_type,
        raw_object_id,
        {{ xapi_language_text('statement', ['object', 'definition', 'name']) }} as object_name,
        {{ xapi_language_text('statement', ['object', 'definition', 'description']) }} as object_description,
        {{ to_text(json_text_at('statement', ['object', 'definition', 'type'])) }} as object_definition_type,
        {{ json_at('statement', ['object', 'definition', 'extensions']) }} as object_definition_extensions,

        {{ json_type_at('statement', ['result']) }} as result_json_type,
        {{ json_boolean_at('statement', ['result', 'completion']) }} as result_completion,
        {{ json_type_at('statement', ['result', 'completion']) }} as result_completion_json_type,
        {{ json_boolean_at('statement', ['result', 'success']) }} as result_success,
        {{ json_type_at('statement', ['result', 'success']) }} as result_success_json_type,
        {{ json_text_at('statement', ['result', 'response']) }} as result_response,
        {{ json_number_at('statement', ['result', 'score', 'raw']) }} as score_raw,
        {{ json_type_at('statement', ['result', 'score', 'raw']) }} as score_raw_json_type,
        {{ json_number_at('statement', ['result', 'score', 'min']) }} as score_min,
        {{ json_type_at('statement', ['result', 'score', 'min']) }} as score_min_json_type,
        {{ json_number_at('statement', ['result', 'score', 'max']) }} as score_max,
        {{ json_type_at('statement', ['result', 'score', 'max']) }} as score_max_json_type,
        {{ json_number_at('statement', ['result', 'score', 'scaled']) }} as score_scaled_sent,
        {{ json_type_at('statement', ['result', 'score', 'scaled']) }} as score_scaled_json_type,
        {{ to_text(json_text_at('statement', ['result', 'duration'])) }} as duration_iso8601,
        {{ iso8601_duration_to_hours(json_text_at('statement', ['result', 'duration'])) }} as duration_hours,
        {{ json_at('statement', ['result', 'extensions']) }} as result_extensions,

        lower({{ to_text(json_text_at('statement', ['context', 'registration'])) }}) as registration,
        {{ json_at('statement', ['context', 'instructor']) }} as context_instructor,
        {{ json_at('statement', ['context', 'team']) }} as context_team,
        {{ to_text(json_text_at('statement', ['context', 'platform'])) }} as context_platform,
        {{ to_text(json_text_at('statement', ['context', 'language'])) }} as context_language,
        {{ to_text(json_text_at('statement', ['context', 'revision'])) }} as context_revision,
        lower({{ to_text(json_text_at('statement', ['context', 'statement', 'id'])) }}) as context_statement_id,
        {{ json_at('statement', ['context', 'contextActivities', 'parent']) }} as context_parent_activities,
        {{ json_at('statement', ['context', 'contextActivities', 'grouping']) }} as context_grouping_activities,
        {{ json_at('statement', ['context', 'contextActivities', 'category']) }} as context_category_activities,
        {{ json_at('statement', ['context', 'contextActivities', 'other']) }} as context_other_activities,
        {{ json_at('statement', ['context', 'extensions']) }} as context_extensions,
        {{ json_has_activity_id('statement', ['context', 'contextActivities', 'category'], cmi5_category_id) }}
            as has_cmi5_category,
        {{ to_text(json_text_at('statement', ['context', 'extensions', cmi5_extensions ~ 'sessionid'])) }} as cmi5_session_id,
        {{ to_text(json_text_at('statement', ['context', 'extensions', cmi5_extensions ~ 'launchmode'])) }} as cmi5_launch_mode,
        {{ to_text(json_text_at('statement', ['context', 'extensions', cmi5_extensions ~ 'moveon'])) }} as cmi5_move_on,
        {{ json_number_at('statement', ['context', 'extensions', cmi5_extensions ~ 'masteryscore']) }} as cmi5_mastery_score,

        {{ json_at('statement', ['authority']) }} as authority,
        {{ json_at('raw_conformance_issues', []) }} as conformance_issues,
        {{ json_array_length_at('raw_conformance_issues', []) }} as conformance_issue_count,
        content_sha256,
        raw_voided_by,
        raw_is_voided,
        {{ json_at('statement', []) }} as statement

    from loaded

),

identified as (

    select
        parsed.*,
        coalesce(verb_id = '{{ voided_verb_id }}', false) as is_voiding,
        case
            when object_type = 'StatementRef' or verb_id = '{{ voided_verb_id }}' then lower(raw_object_id)
            else raw_object_id
        end as object_id,
        case
            when actor_account_name is not null then 'account'
            when actor_mbox is not null then 'mbox'
            when actor_mbox_sha1sum is not null then 'mbox_sha1sum'
            when actor_openid is not null then 'openid'
        end as actor_ifi_type,
        lower(coalesce(actor_account_name, actor_mbox)) as actor_email

    from parsed

),

voiding_statements as (

    select
        object_id as voided_statement_id,
        min(statement_id) as voiding_statement_id

    from identified
    where is_voiding
        and object_id is not null
    group by object_id

),

final as (

    select
        identified.statement_id,
        identified.occurred_at,
        identified.stored_at,
        identified.statement_version,

        identified.verb_id,
        lower(regexp_replace(identified.verb_id, '^.*/', '')) as verb,
        identified.verb_display,

        identified.actor_object_type,
        identified.actor_name,
        identified.actor_ifi_type,
        identified.actor_account_home_page,
        identified.actor_account_name,
        identified.actor_mbox,
        identified.actor_mbox_sha1sum,
        identified.actor_openid,
        identified.actor_email,
        coalesce(
            identified.actor_email,
            {{ dbt.concat(["'mbox_sha1sum:'", 'identified.actor_mbox_sha1sum']) }},
            {{ dbt.concat(["'openid:'", 'identified.actor_openid']) }}
        ) as actor_key,

        identified.object_type,
        identified.object_id,
        case
            when identified.raw_object_id like '%/courses/%'
                then regexp_replace(regexp_replace(identified.raw_object_id, '^.*/courses/', ''), '[/?#].*$', '')
        end as course_id,
        identified.object_name,
        identified.object_description,
        identified.object_definition_type,
        identified.object_definition_extensions,

        identified.result_completion,
        identified.result_success,
        identified.result_response,
        identified.score_raw,
        identified.score_min,
        identified.score_max,
        case
            when identified.score_scaled_sent between -1 and 1 then identified.score_scaled_sent
        end as score_scaled,
        identified.duration_iso8601,
        identified.duration_hours,
        identified.result_extensions,

        identified.registration,
        identified.context_instructor,
        identified.context_team,
        identified.context_platform,
        identified.context_language,
        identified.context_revision,
        identified.context_statement_id,
        identified.context_parent_activities,
        identified.context_grouping_activities,
        identified.context_category_activities,
        identified.context_other_activities,
        identified.context_extensions,
        identified.has_cmi5_category,
        identified.cmi5_session_id,
        identified.cmi5_launch_mode,
        identified.cmi5_move_on,
        identified.cmi5_mastery_score,

        identified.authority,
        identified.conformance_issues,
        cast(identified.conformance_issue_count as integer) as conformance_issue_count,
        nullif(concat_ws(', ',
            case when identified.occurred_at is null and identified.has_timestamp then 'timestamp.format' end,
            case when identified.stored_at is null and identified.has_stored then 'stored.format' end,
            case when identified.result_json_type not in ('object', 'null') then 'result.type' end,
            case
                when identified.result_completion is null and identified.result_completion_json_type <> 'null'
                    then 'result.completion.type'
            end,
            case
                when identified.result_success is null and identified.result_success_json_type <> 'null'
                    then 'result.success.type'
            end,
            case when identified.score_raw is null and identified.score_raw_json_type <> 'null' then 'result.score.raw.type' end,
            case when identified.score_min is null and identified.score_min_json_type <> 'null' then 'result.score.min.type' end,
            case when identified.score_max is null and identified.score_max_json_type <> 'null' then 'result.score.max.type' end,
            case
                when identified.score_scaled_sent is null and identified.score_scaled_json_type <> 'null'
                    then 'result.score.scaled.type'
            end,
            case when identified.score_scaled_sent not between -1 and 1 then 'result.score.scaled.range' end,
            case
                when identified.duration_hours is null and identified.duration_iso8601 is not null
                    then 'result.duration.format'
            end
        ), '') as staging_issues,
        identified.content_sha256,

        identified.is_voiding,
        case
            when not identified.is_voiding
                then coalesce(identified.raw_voided_by, voiding_statements.voiding_statement_id)
        end as voided_by_statement_id,
        not identified.is_voiding and (
            coalesce(identified.raw_is_voided, false)
            or identified.raw_voided_by is not null
            or voiding_statements.voiding_statement_id is not null
        ) as is_voided,

        identified.statement

    from identified
    left join voiding_statements
        on identified.statement_id = voiding_statements.voided_statement_id

)

select * from final
