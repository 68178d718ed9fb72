with

source as (

    select * from {{ source('raw_finance', 'vendor_invoices') }}

),

renamed as (

    select
        {{ to_text('invoice_id') }} as invoice_id,
        {{ to_text('vendor') }} as vendor_name,
        {{ to_text('course_id') }} as course_id,
        {{ to_date('invoice_date') }} as invoiced_on,
        {{ to_date('period_start') }} as period_start_on,
        {{ to_date('period_end') }} as period_end_on,
        {{ to_integer('seats') }} as seat_count,
        cast({{ to_text('amount') }} as {{ dbt.type_numeric() }}) as invoice_amount,
        {{ to_text('currency') }} as currency_code,
        {{ to_text('source_file') }} as source_file_name

    from source

)

select * from renamed
