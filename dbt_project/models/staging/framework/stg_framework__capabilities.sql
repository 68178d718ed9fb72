with

source as (

    select * from {{ source('raw_framework', 'capabilities') }}

),

renamed as (

    select
        {{ to_text('capability_id') }} as capability_id,
        {{ to_text('capability_name') }} as capability_name,
        {{ to_text('category') }} as category,
        {{ to_text(column_or_null('raw_framework', 'capabilities', 'description')) }} as capability_description

    from source

)

select * from renamed
