{{ config(enabled=source_enabled('workday')) }}

-- Workday employment events in the shape of the HR interface
-- (int_people__hr_employment_events), rebuilt from the RaaS snapshots (a worker counts as
-- listed while active in a snapshot):
--   * a hire on every `Hire_Date` the snapshots show (a re-hire changes it);
--   * a termination on the last snapshot that listed the worker, when the next snapshot
--     does not (they left the report: the report carries no termination date, so the
--     leaving date is as precise as the snapshot schedule);
--   * a worker listed again after such an absence, with no new hire date since, is
--     re-hired on the snapshot that lists them again; a worker whose first listing comes
--     before any hire date shown is hired on that first listing.
-- Workers are keyed by int_identity__workday_workers (their own key when Workday is the
-- HR system of record).

with

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

identities as (

    select * from {{ ref('int_identity__workday_workers') }}

),

listings as (

    select
        identities.employee_id,
        workers.snapshot_on,
        workers.hire_date

    from workers
    inner join identities
        on workers.workday_worker_id = identities.workday_worker_id
    where workers.is_active
        and identities.employee_id is not null

),

presence as (

    {{ snapshot_presence('listings') }}

),

hire_dates as (

    select distinct
        employee_id,
        hire_date as effective_on

    from listings
    where hire_date is not null

),

departures as (

    select
        employee_id,
        snapshot_on as effective_on

    from presence
    where next_snapshot_on is not null
        and (next_appearance_on is null or next_appearance_on > next_snapshot_on)

),

returns_without_hire_date as (

    select
        presence.employee_id,
        presence.snapshot_on as effective_on

    from presence
    where presence.previous_appearance_on < presence.previous_snapshot_on
        and not exists (
            select 1
            from hire_dates
            where hire_dates.employee_id = presence.employee_id
                and hire_dates.effective_on > presence.previous_appearance_on
                and hire_dates.effective_on <= presence.snapshot_on
        )

),

first_listings as (

    select
        employee_id,
        min(snapshot_on) as effective_on

    from listings
    group by employee_id

),

first_listings_before_any_hire as (

    select
        first_listings.employee_id,
        first_listings.effective_on

    from first_listings
    where not exists (
        select 1
        from hire_dates
        where hire_dates.employee_id = first_listings.employee_id
            and hire_dates.effective_on <= first_listings.effective_on
    )

),

events as (

    select employee_id, effective_on, false as is_termination, 'hire_date' as event_basis from hire_dates
    union all
    select employee_id, effective_on, false as is_termination, 'listed_again' as event_basis from returns_without_hire_date
    union all
    select employee_id, effective_on, false as is_termination, 'first_listing' as event_basis from first_listings_before_any_hire
    union all
    select employee_id, effective_on, true as is_termination, 'left_report' as event_basis from departures

),

final as (

    select
        employee_id,
        effective_on,
        is_termination,
        cast(case when is_termination then 'Terminated' else 'Hired' end as {{ dbt.type_string() }})
            as employment_status,
        cast(null as {{ dbt.type_string() }}) as termination_reason,
        cast(null as {{ dbt.type_string() }}) as termination_type,
        cast(row_number() over (
            partition by employee_id
            order by effective_on, is_termination
        ) as integer) as event_sequence,
        cast(event_basis as {{ dbt.type_string() }}) as event_basis,
        cast(effective_on as {{ dbt.type_string() }}) as source_record_id

    from events

)

select * from final
