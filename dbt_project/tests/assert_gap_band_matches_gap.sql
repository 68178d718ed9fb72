-- gap_band, gap_levels and is_open_gap agree on every row: a gap of 1+ is open unless
-- the employee is new in the role (is_new_in_role).

select *
from {{ ref('mart_capability_gap') }}
where not (
    (gap_band = 'not_assessed' and gap_levels is null and manager_assessed_level is null and not is_open_gap)
    or (gap_band = 'low' and gap_levels >= 1 and is_open_gap = not is_new_in_role)
    or (gap_band = 'intermediate' and gap_levels = 0 and not is_open_gap)
    or (gap_band = 'high' and gap_levels <= -1 and not is_open_gap)
)
