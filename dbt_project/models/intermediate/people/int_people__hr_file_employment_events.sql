{{ config(enabled=source_enabled('hr_files')) }}

-- HR file drop employment events in the shape of the HR interface
-- (int_people__hr_employment_events), from the deduplicated rows (int_people__hr_file_records):
--   hires         every hire date a row gives (the original hire date when a row has no
--                 hire date); a person whose first row comes before any hire date given is
--                 hired on that first row's date (`first_record`);
--   terminations  every termination date a row gives (with its reason and type), and a
--                 history row whose status says the person left (`Terminated`, `Inactive`,
--                 `Left`, `Leaver`) without a date, on the row's date (`status`);
--   snapshots     a person listed as employed in a snapshot but not in the next one left:
--                 terminated on the last snapshot that listed them (`left_snapshot`), unless
--                 a termination date was given for that absence (it wins); listed again
--                 later with no new hire date, they are re-hired on that snapshot
--                 (`listed_again`). Listed as employed = no termination date on or before
--                 the snapshot date.
-- One event per employee, date and kind (a given date wins over a derived one), ordered by
-- date with hires before terminations on the same day.

with

records as (

    select * from {{ ref('int_people__hr_file_records') }}

),

given_hires as (

    select distinct
        employee_id,
        coalesce(hire_date, original_hire_date) as effective_on

    from records
    where coalesce(hire_date, original_hire_date) is not null

),

given_terminations as (

    select
        employee_id,
        termination_date as effective_on,
        termination_reason,
        termination_type,
        record_id,
        row_number() over (
            partition by employee_id, termination_date
            order by as_of_on desc nulls last, load_order desc nulls last, source_file desc nulls last, record_id desc
        ) as precedence

    from records
    where termination_date is not null

),

status_terminations as (

    select
        employee_id,
        observed_on as effective_on,
        termination_reason,
        termination_type,
        record_id

    from records
    where record_kind = 'change'
        and is_termination_status
        and termination_date is null

),

stated_terminations as (

    select
        employee_id,
        effective_on,
        termination_reason,
        termination_type,
        record_id,
        'termination_date' as event_basis

    from given_terminations
    where precedence = 1

    union all

    select
        employee_id,
        effective_on,
        termination_reason,
        termination_type,
        record_id,
        'status' as event_basis

    from status_terminations

),

snapshot_listings as (

    select
        employee_id,
        observed_on as snapshot_on

    from records
    where record_kind = 'snapshot'
        and not is_termination_status
        and (termination_date is null or termination_date > observed_on)

),

presence as (

    {{ snapshot_presence('snapshot_listings') }}

),

departures as (

    select
        presence.employee_id,
        presence.snapshot_on as effective_on

    from presence
    where presence.next_snapshot_on is not null
        and (presence.next_appearance_on is null or presence.next_appearance_on > presence.next_snapshot_on)
        and not exists (
            select 1
            from stated_terminations
            where stated_terminations.employee_id = presence.employee_id
                and stated_terminations.effective_on >= presence.snapshot_on
                and (
                    presence.next_appearance_on is null
                    or stated_terminations.effective_on < presence.next_appearance_on
                )
        )

),

returns_without_hire_date as (

    select
        presence.employee_id,
        presence.snapshot_on as effective_on

    from presence
    where presence.previous_appearance_on < presence.previous_snapshot_on
        and not exists (
            select 1
            from given_hires
            where given_hires.employee_id = presence.employee_id
                and given_hires.effective_on > presence.previous_appearance_on
                and given_hires.effective_on <= presence.snapshot_on
        )

),

first_seen as (

    -- a leaver listed only after leaving is first seen on the termination date
    select
        employee_id,
        min(case when termination_date < observed_on then termination_date else observed_on end) as effective_on

    from records
    group by employee_id

),

first_seen_before_any_hire as (

    select
        first_seen.employee_id,
        first_seen.effective_on

    from first_seen
    where not exists (
        select 1
        from given_hires
        where given_hires.employee_id = first_seen.employee_id
            and given_hires.effective_on <= first_seen.effective_on
    )

),

events as (

    select
        employee_id,
        effective_on,
        false as is_termination,
        cast(null as {{ dbt.type_string() }}) as termination_reason,
        cast(null as {{ dbt.type_string() }}) as termination_type,
        cast(null as {{ dbt.type_string() }}) as record_id,
        'hire_date' as event_basis,
        1 as basis_rank

    from given_hires

    union all

    select
        employee_id,
        effective_on,
        false as is_termination,
        null as termination_reason,
        null as termination_type,
        null as record_id,
        'listed_again' as event_basis,
        2 as basis_rank

    from returns_without_hire_date

    union all

    select
        employee_id,
        effective_on,
        false as is_termination,
        null as termination_reason,
        null as termination_type,
        null as record_id,
        'first_record' as event_basis,
        3 as basis_rank

    from first_seen_before_any_hire

    union all

    select
        employee_id,
        effective_on,
        true as is_termination,
        termination_reason,
        termination_type,
        record_id,
        event_basis,
        case when event_basis = 'termination_date' then 1 else 2 end as basis_rank

    from stated_terminations

    union all

    select
        employee_id,
        effective_on,
        true as is_termination,
        null as termination_reason,
        null as termination_type,
        null as record_id,
        'left_snapshot' as event_basis,
        3 as basis_rank

    from departures

),

events_ranked as (

    select
        events.*,
        row_number() over (
            partition by employee_id, effective_on, is_termination
            order by basis_rank
        ) as same_event_rank

    from events

),

final as (

    select
        employee_id,
        effective_on,
        is_termination,
        cast(case when is_termination then 'Terminated' else 'Hired' end as {{ dbt.type_string() }})
            as employment_status,
        termination_reason,
        termination_type,
        cast(row_number() over (
            partition by employee_id
            order by effective_on, is_termination
        ) as integer) as event_sequence,
        cast(event_basis as {{ dbt.type_string() }}) as event_basis,
        record_id as source_record_id

    from events_ranked
    where same_event_rank = 1

)

select * from final
