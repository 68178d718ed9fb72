with

source as (

    select * from {{ source('raw_lms', 'docebo_enrollments') }}

),

renamed as (

    select
        concat({{ to_text('user_id') }}, ':', {{ to_text('course_id') }}) as enrollment_id,
        {{ to_text('user_id') }} as docebo_user_id,
        {{ to_text('course_id') }} as docebo_course_id,
        {{ to_text('enrollment_status') }} as enrollment_status,
        cast({{ to_text('enrollment_date') }} as {{ dbt.type_timestamp() }}) as enrolled_at,
        cast({{ to_text(column_or_null('raw_lms', 'docebo_enrollments', 'enrollment_completion_date')) }} as {{ dbt.type_timestamp() }}) as completed_at,
        {{ to_date(column_or_null('raw_lms', 'docebo_enrollments', 'enrollment_validity_end_date')) }} as expires_on,
        {{ to_double(column_or_null('raw_lms', 'docebo_enrollments', 'enrollment_score')) }} / 100.0 as score_scaled,
        {{ to_double('total_time') }} / 3600.0 as time_spent_hours

    from source

)

select * from renamed
