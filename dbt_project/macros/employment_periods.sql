{#-
    Employment periods from employment events, one row per employee and period: a period
    starts at an employee's first event, or at the first non-termination after a
    termination, and ends at the next termination (the last day employed; null while the
    period lasts). Status changes within a period (full-time to part-time) start nothing.
    `events` is a relation or CTE with employee_id, effective_on, is_termination and
    event_sequence (the order of one employee's events). Shared by
    int_people__employee_history (earlier periods) and the Workday and file branches of
    the HR interface (the current period of their employee records).

        history_periods as ( {{ employment_periods('employment_events') }} ),
-#}
{% macro employment_periods(events) -%}
    select
        employee_id,
        period_number,
        min(case when not is_termination then effective_on end) as period_start_on,
        min(case when is_termination then effective_on end) as period_end_on

    from (

        select
            status_rows.*,
            sum(
                case when not is_termination and coalesce(follows_termination, true) then 1 else 0 end
            ) over (
                partition by employee_id
                order by effective_on, is_termination
                rows between unbounded preceding and current row
            ) as period_number

        from (

            select
                employee_id,
                effective_on,
                is_termination,
                lag(is_termination) over (
                    partition by employee_id
                    order by event_sequence
                ) as follows_termination

            from {{ events }}
            where effective_on is not null

        ) as status_rows

    ) as status_periods

    where period_number > 0
    group by employee_id, period_number
{%- endmacro %}
