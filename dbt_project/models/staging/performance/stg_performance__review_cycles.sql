with

source as (

    select * from {{ source('raw_performance', 'review_cycles') }}

),

renamed as (

    select
        {{ to_text('id') }} as review_cycle_id,
        {{ to_text('name') }} as review_cycle_name,
        {{ to_date('start_date') }} as period_start_on,
        {{ to_date('end_date') }} as period_end_on,
        lower({{ to_text('state') }}) as review_cycle_state

    from source

)

select * from renamed
