-- Levels stay on the 1-5 proficiency scale, so gaps stay within -4..4.

select *
from {{ ref('mart_capability_gap') }}
where required_level not between 1 and 5
    or manager_assessed_level not between 1 and 5
    or self_assessed_level not between 1 and 5
    or gap_levels not between -4 and 4
    or perception_gap not between -4 and 4
