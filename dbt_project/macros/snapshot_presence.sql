{#-
    Presence of people in a series of full snapshots (Workday RaaS reports, HR snapshot
    files): one row per person and snapshot that lists them, with the snapshots before and
    after it (over every snapshot in `appearances`) and the person's own previous and next
    appearance. A person is taken to have left after a snapshot when the next snapshot does
    not list them (`next_appearance_on` is null or later than `next_snapshot_on`), and to
    have come back when they are listed again after such an absence
    (`previous_appearance_on` earlier than `previous_snapshot_on`). Shared by the Workday
    worker versions and the Workday and file branches of the HR interface, so both
    systems read snapshots by one rule.

        presence as ( {{ snapshot_presence('listings', 'workday_worker_id') }} ),

    `appearances`: a relation or CTE with the key column and `snapshot_on` (duplicates are
    ignored).
-#}
{% macro snapshot_presence(appearances, key='employee_id') -%}
    select
        listed.{{ key }},
        listed.snapshot_on,
        snapshot_dates.previous_snapshot_on,
        snapshot_dates.next_snapshot_on,
        lag(listed.snapshot_on) over (
            partition by listed.{{ key }}
            order by listed.snapshot_on
        ) as previous_appearance_on,
        lead(listed.snapshot_on) over (
            partition by listed.{{ key }}
            order by listed.snapshot_on
        ) as next_appearance_on

    from (

        select distinct
            {{ key }},
            snapshot_on

        from {{ appearances }}
        where snapshot_on is not null

    ) as listed

    inner join (

        select
            snapshot_on,
            lag(snapshot_on) over (order by snapshot_on) as previous_snapshot_on,
            lead(snapshot_on) over (order by snapshot_on) as next_snapshot_on

        from (

            select distinct snapshot_on

            from {{ appearances }}
            where snapshot_on is not null

        ) as distinct_dates

    ) as snapshot_dates
        on listed.snapshot_on = snapshot_dates.snapshot_on
{%- endmacro %}
