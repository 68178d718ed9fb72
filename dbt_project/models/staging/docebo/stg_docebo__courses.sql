with

source as (

    select * from {{ source('raw_lms', 'docebo_courses') }}

),

renamed as (

    select
        {{ to_text('id_course') }} as docebo_course_id,
        {{ to_text('code') }} as course_id,
        {{ to_text('name') }} as course_name,
        {{ to_text('type') }} as course_type,
        {{ to_double('duration') }} / 60.0 as duration_hours,
        {{ to_double('credits') }} as credits

    from source

)

select * from renamed
