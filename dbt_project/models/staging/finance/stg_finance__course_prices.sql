with

source as (

    select * from {{ source('raw_finance', 'course_prices') }}

),

renamed as (

    select
        {{ to_text('course_id') }} as course_id,
        cast({{ to_text('list_price') }} as {{ dbt.type_numeric() }}) as list_price_amount,
        {{ to_text('currency') }} as currency_code,
        {{ to_date('valid_from') }} as valid_from,
        {{ to_date('valid_to') }} as valid_to,
        {{ to_text('source_file') }} as source_file_name

    from source

)

select * from renamed
