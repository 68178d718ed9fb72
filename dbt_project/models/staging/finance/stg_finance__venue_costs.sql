with

source as (

    select * from {{ source('raw_finance', 'venue_costs') }}

),

renamed as (

    select
        {{ to_text('cost_id') }} as venue_cost_id,
        {{ to_text('session_id') }} as session_id,
        {{ to_text('course_id') }} as course_id,
        {{ to_text('venue') }} as venue_name,
        {{ to_date('session_date') }} as session_on,
        cast({{ to_text('amount') }} as {{ dbt.type_numeric() }}) as cost_amount,
        {{ to_text('currency') }} as currency_code,
        {{ to_text('source_file') }} as source_file_name

    from source

)

select * from renamed
