{{ config(enabled=source_enabled('fifteen_five')) }}

with

source as (

    select * from {{ optional_source('raw_performance', 'checkins', [
        'id', 'user_id', 'week_start', 'week_end', 'submit_ts', 'pulse', 'reviewed',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as check_in_id,
        {{ to_text('user_id') }} as fifteen_five_user_id,
        {{ to_date('week_start') }} as week_start_on,
        {{ to_date('week_end') }} as week_end_on,
        {{ to_utc_timestamp('submit_ts') }} as submitted_at,
        {{ to_integer(column_or_null('raw_performance', 'checkins', 'pulse')) }} as pulse_rating,
        {{ to_boolean(column_or_null('raw_performance', 'checkins', 'reviewed')) }} as is_reviewed,
        {{ to_utc_timestamp(column_or_null('raw_performance', 'checkins', 'reviewed_ts')) }} as reviewed_at

    from source

)

select * from renamed
