with

source as (

    select * from {{ source('raw_lms', 'docebo_learning_plans') }}

),

renamed as (

    select
        {{ to_text('learning_plan_id') }} as learning_plan_id,
        {{ to_text('code') }} as learning_plan_code,
        {{ to_text('title') }} as learning_plan_name,
        {{ to_text('_dlt_id') }} as learning_plan_dlt_id

    from source

)

select * from renamed
