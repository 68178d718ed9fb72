with

source as (

    select * from {{ source('raw_performance', 'competencies') }}

),

renamed as (

    select
        {{ to_text('id') }} as competency_id,
        {{ to_text('name') }} as competency_name

    from source

)

select * from renamed
