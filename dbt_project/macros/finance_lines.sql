{#
    The finance export's direct cost lines and the participants each line is spread over,
    written once for int_finance__programme_costs (spend per month x org unit) and
    int_finance__cohort_costs (spend per completion cohort).

    finance_lines: one row per vendor invoice, instructor fee and venue booking, keyed
    `<cost_type>:<source record id>`, with the window its participants are found in:
      vendor      the billed period (else the invoice date);
      instructor  the calendar month of the session;
      venue       the calendar month of the session.
    finance_line_participants: per line, the distinct learners (by login) with any
    activity on the line's course inside its window, with their first activity in it.
#}
{% macro finance_lines(vendor_invoices, instructor_costs, venue_costs) -%}
    select
        {{ dbt.concat(["cast('vendor' as " ~ dbt.type_string() ~ ")", "':'", 'invoice_id']) }} as spend_line_id,
        cast('vendor' as {{ dbt.type_string() }}) as cost_type,
        invoice_id as source_record_id,
        course_id as programme_id,
        coalesce(period_start_on, invoiced_on) as window_start_on,
        coalesce(period_end_on, period_start_on, invoiced_on) as window_end_on,
        coalesce(period_start_on, invoiced_on) as unallocated_on,
        cast('participants in the billed period' as {{ dbt.type_string() }}) as allocation_basis,
        cast(invoice_amount as double precision) as line_amount,
        currency_code

    from {{ vendor_invoices }}

    union all

    select
        {{ dbt.concat(["cast('instructor' as " ~ dbt.type_string() ~ ")", "':'", 'instructor_cost_id']) }} as spend_line_id,
        cast('instructor' as {{ dbt.type_string() }}) as cost_type,
        instructor_cost_id as source_record_id,
        course_id as programme_id,
        cast({{ dbt.date_trunc('month', 'session_on') }} as date) as window_start_on,
        {{ dbt.last_day('session_on', 'month') }} as window_end_on,
        session_on as unallocated_on,
        cast('participants in the session month' as {{ dbt.type_string() }}) as allocation_basis,
        cast(cost_amount as double precision) as line_amount,
        currency_code

    from {{ instructor_costs }}

    union all

    select
        {{ dbt.concat(["cast('venue' as " ~ dbt.type_string() ~ ")", "':'", 'venue_cost_id']) }} as spend_line_id,
        cast('venue' as {{ dbt.type_string() }}) as cost_type,
        venue_cost_id as source_record_id,
        course_id as programme_id,
        cast({{ dbt.date_trunc('month', 'session_on') }} as date) as window_start_on,
        {{ dbt.last_day('session_on', 'month') }} as window_end_on,
        session_on as unallocated_on,
        cast('participants in the session month' as {{ dbt.type_string() }}) as allocation_basis,
        cast(cost_amount as double precision) as line_amount,
        currency_code

    from {{ venue_costs }}
{%- endmacro %}

{% macro finance_line_participants(lines, activities) -%}
    select
        {{ lines }}.spend_line_id,
        {{ activities }}.learner_login,
        min({{ activities }}.employee_id) as employee_id,
        min({{ activities }}.activity_on) as started_on

    from {{ lines }}
    inner join {{ activities }}
        on {{ lines }}.programme_id = {{ activities }}.course_id
        and {{ activities }}.activity_on >= {{ lines }}.window_start_on
        and {{ activities }}.activity_on <= {{ lines }}.window_end_on
    group by {{ lines }}.spend_line_id, {{ activities }}.learner_login
{%- endmacro %}
