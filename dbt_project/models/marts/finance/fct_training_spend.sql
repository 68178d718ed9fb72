-- Training spend, one row per source spend line x month x org unit it is allocated to
-- (the allocation rules are in int_finance__programme_costs): vendor invoices,
-- instructor fees and venue bookings spread over their participants, and participant
-- time at loaded pay per learning activity. Sums over any grouping add up to the source
-- lines (tests/assert_training_spend_adds_up_to_source_lines.sql).

with

programme_costs as (

    select * from {{ ref('int_finance__programme_costs') }}

),

final as (

    select
        spend_allocation_id,
        spend_line_id,
        cost_type,
        source_record_id,
        programme_id,
        org_unit_id,
        spend_on,
        month_start_on,
        year_number,
        participant_count,
        allocation_share,
        learning_hours,
        hourly_loaded_pay_amount,
        line_amount,
        amount,
        currency_code,
        allocation_basis

    from programme_costs

)

select * from final
