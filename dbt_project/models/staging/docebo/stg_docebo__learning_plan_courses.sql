with

source as (

    select * from {{ source('raw_lms', 'docebo_learning_plans__courses') }}

),

renamed as (

    select
        {{ to_text('_dlt_id') }} as learning_plan_course_id,
        {{ to_text('_dlt_parent_id') }} as learning_plan_dlt_id,
        {{ to_text('id_course') }} as docebo_course_id,
        {{ to_integer('sequence') }} as sequence_number

    from source

)

select * from renamed
