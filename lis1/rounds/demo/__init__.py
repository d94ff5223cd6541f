"""The demo round: a realistic national LIS1 round calibrated to the published figures
(DOMAIN.md), for demonstrations, manual testing and benchmarks.

`demo_round_seed()` builds, for today, one round in the ranking phase: about 31
advertisements from the health trusts and private hospitals (575 seats), 1,200 applicants
with valid identity numbers and a realistic mix of nationality and place of education,
about 17 applications each, both sides' rankings, a few couples, and six demo log-ins
(password `settings.LIS1_DEMO_PASSWORD`). The same seed gives the same people, applications
and rankings; dates are relative to the day of seeding so the demo is always live.

With `history=N` (the seed_demo command's default is 5) it first builds the N rounds before
it, closed: each sized like the published rounds of its season, played through the main
match, the applicants' answers (a declared acceptance model), the follow-up match, the
employers' confirmed starts and the close; those left without a position apply again in
the next round as the same applicant. `demo_past_round_seed` builds one such round for any
past season and size (the spring-2018 calibration).

Modules: `dates` (the calendar), `positions` (advertisements and areas), `people`
(applicants, with the assumptions behind the mix), `choices` (applications, rankings,
couples), `answers` (the acceptance model) and `history` (past seasons, sizes, calendars,
applying again) are plain Python; `service` writes to the database, `past` plays a past
round through its lifecycle and `cleanup` removes what an earlier demo wrote.
"""

from lis1.rounds.demo.cleanup import DEMO_EMAIL_DOMAIN, demo_users
from lis1.rounds.demo.dates import DemoCalendar, demo_calendar
from lis1.rounds.demo.service import (
    DemoRoundExists,
    DemoSummary,
    demo_logins,
    demo_past_round_seed,
    demo_round_seed,
)

__all__ = [
    "DEMO_EMAIL_DOMAIN",
    "DemoCalendar",
    "DemoRoundExists",
    "DemoSummary",
    "demo_calendar",
    "demo_logins",
    "demo_past_round_seed",
    "demo_round_seed",
    "demo_users",
]
