with

org_units as (

    select * from {{ ref('int_people__org_units') }}

),

final as (

    select
        org_unit_id,
        org_unit_name,
        division_name

    from org_units

)

select * from final
