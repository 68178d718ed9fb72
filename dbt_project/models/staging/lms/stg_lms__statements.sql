with

source as (

    select * from {{ source('raw_lms', 'statements') }}

),

renamed as (

    select
        {{ to_text('id') }} as statement_id,
        {{ to_utc_timestamp('"timestamp"') }} as occurred_at,
        {{ to_utc_timestamp(column_or_null('raw_lms', 'statements', 'stored')) }} as stored_at,
        {{ to_text('verb_id') }} as verb_id,
        lower(regexp_replace({{ to_text('verb_id') }}, '^.*/', '')) as verb,
        {{ to_text('actor_account_name') }} as actor_account_name,
        lower({{ to_text('actor_account_name') }}) as actor_email,
        {{ to_text('object_id') }} as object_id,
        case
            when {{ to_text('object_id') }} like '%/courses/%'
                then regexp_replace(regexp_replace({{ to_text('object_id') }}, '^.*/courses/', ''), '[/?#].*$', '')
        end as course_id,
        {{ to_text(json_text('statement', 'object.definition.name.en-US')) }} as object_name,
        {{ to_boolean(json_text('statement', 'result.completion')) }} as result_completion,
        {{ to_boolean(json_text('statement', 'result.success')) }} as result_success,
        {{ to_double(json_text('statement', 'result.score.scaled')) }} as score_scaled,
        {{ to_text(json_text('statement', 'result.duration')) }} as duration_iso8601,
        {{ iso8601_duration_to_hours(json_text('statement', 'result.duration')) }} as duration_hours

    from source

)

select * from renamed
