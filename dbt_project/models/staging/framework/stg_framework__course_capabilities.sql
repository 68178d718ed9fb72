with

source as (

    select * from {{ source('raw_framework', 'course_capabilities') }}

),

renamed as (

    select
        {{ to_text('course_id') }} as course_id,
        {{ to_text('capability_id') }} as capability_id,
        {{ to_integer('target_level') }} as target_level

    from source

)

select * from renamed
