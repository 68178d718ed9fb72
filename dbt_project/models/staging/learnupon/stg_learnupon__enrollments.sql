{{ config(enabled=source_enabled('learnupon')) }}

with

source as (

    select * from {{ optional_source('raw_lms', 'learnupon_enrollments', [
        'id', 'user_id', 'course_id', 'status', 'percentage', 'date_enrolled', 'date_started', 'time_spent',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as enrollment_id,
        {{ to_text('user_id') }} as learnupon_user_id,
        {{ to_text('course_id') }} as learnupon_course_id,
        {{ to_text(column_or_null('raw_lms', 'learnupon_enrollments', 'course_name')) }} as course_name,
        lower({{ to_text(column_or_null('raw_lms', 'learnupon_enrollments', 'email')) }}) as email,
        lower({{ to_text('status') }}) as enrollment_status,
        {{ to_double(column_or_null('raw_lms', 'learnupon_enrollments', 'score')) }} / 100.0 as score_scaled,
        {{ to_double('percentage') }} / 100.0 as progress_share,
        {{ to_utc_timestamp('date_enrolled') }} as enrolled_at,
        {{ to_utc_timestamp('date_started') }} as started_at,
        {{ to_utc_timestamp(column_or_null('raw_lms', 'learnupon_enrollments', 'date_completed')) }} as completed_at,
        {{ to_date(column_or_null('raw_lms', 'learnupon_enrollments', 'due_date')) }} as due_on,
        {{ to_double('time_spent') }} / 3600.0 as time_spent_hours

    from source

)

select * from renamed
