with

capabilities as (

    select * from {{ ref('stg_framework__capabilities') }}

),

final as (

    select
        capability_id,
        capability_name,
        category

    from capabilities

)

select * from final
