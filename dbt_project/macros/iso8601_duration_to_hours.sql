{#-
    Convert an ISO 8601 duration to hours as double precision:
    `P[nY][nM][nW][nD][T[nH][nM][nS]]`, every component optional but at least one present,
    any component may carry a fraction (`PT1.5H`, `PT59.14S`; a comma as decimal sign is
    read too), lower case is accepted. `P3Y1M29DT4H35M59.14S` = 27 729.0998 hours.

    Years and months have no fixed length; they are converted with the mean Gregorian
    calendar: a year = 365.25 days (8 766 h), a month = a year / 12 = 30.4375 days
    (730.5 h). A week = 7 days, a day = 24 h (no daylight-saving days). xAPI durations
    in practice are session times in hours, minutes and seconds; the calendar units only
    show up in long self-paced enrolments, where this rounding is well below a day per year.

    Null for anything that is not such a duration: empty, `P`, `PT`, `P1DT` (a `T` with
    nothing after it), a sign, alternative formats (`P0003-01-29T04:35:59`), components out of
    order, more than 15 digits in a component.
-#}
{% macro iso8601_duration_to_hours(column) -%}
    {%- set duration = "replace(upper(trim(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "))), ',', '.')" -%}
    {%- set number = '[0-9]{1,15}(?:[.][0-9]{1,15})?' -%}
    {%- set date_units = [('Y', 8766.0), ('M', 730.5), ('W', 168.0), ('D', 24.0)] -%}
    {%- set time_units = [('H', 1.0), ('M', 60.0), ('S', 3600.0)] -%}
    {%- set whole -%}
        ^(P{% for unit, _ in date_units %}(?:{{ number }}{{ unit }})?{% endfor %}(?:T{% for unit, _ in time_units %}(?:{{ number }}{{ unit }})?{% endfor %})?)$
    {%- endset -%}
    {%- set parts = [] -%}
    {#- One pattern per component: the components before it (optional, in order), then its
        number captured. Date components are anchored at `P`, time components at `T`, so
        the months `M` and the minutes `M` never mix. -#}
    {%- for unit, hours in date_units -%}
        {%- set before = [] -%}
        {%- for earlier, _ in date_units[:loop.index0] -%}
            {%- do before.append('(?:' ~ number ~ earlier ~ ')?') -%}
        {%- endfor -%}
        {%- do parts.append(('^P' ~ before | join('') ~ '(' ~ number ~ ')' ~ unit, '* ' ~ hours)) -%}
    {%- endfor -%}
    {%- for unit, per_hour in time_units -%}
        {%- set before = [] -%}
        {%- for earlier, _ in time_units[:loop.index0] -%}
            {%- do before.append('(?:' ~ number ~ earlier ~ ')?') -%}
        {%- endfor -%}
        {%- do parts.append(('T' ~ before | join('') ~ '(' ~ number ~ ')' ~ unit, '/ ' ~ per_hour)) -%}
    {%- endfor -%}
    (case
        when {{ lp_warehouse.regexp_capture(duration, whole | trim) }} is null then null
        when {{ duration }} in ('P', 'PT') or {{ duration }} like '%T' then null
        else
            {%- for pattern, operation in parts %}
            coalesce(cast({{ lp_warehouse.regexp_capture(duration, pattern) }} as double precision), 0) {{ operation }}
            {%- if not loop.last %} +{% endif %}
            {%- endfor %}
    end)
{%- endmacro %}
