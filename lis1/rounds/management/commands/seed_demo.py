import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lis1.rounds.demo import DemoRoundExists, demo_logins, demo_round_seed
from lis1.rounds.demo.service import DEFAULT_HISTORY
from lis1.rounds.models import Round


class Command(BaseCommand):
    help = (
        "Build a realistic demo round for today (advertisements, applicants, applications, "
        "rankings, couples), the closed rounds before it, and six demo log-ins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--applicants",
            type=int,
            default=None,
            help=(
                "Number of applicants (default: like the published rounds of the season, "
                "1,200 in spring and 915 in autumn)."
            ),
        )
        parser.add_argument(
            "--positions",
            type=int,
            default=None,
            help="Number of advertisements (default: 31 in spring, 29 in autumn).",
        )
        parser.add_argument(
            "--seats",
            type=int,
            default=None,
            help="Total seats (default: applicants × 575 / 1200, i.e. 575 for 1,200).",
        )
        parser.add_argument(
            "--history",
            type=int,
            default=DEFAULT_HISTORY,
            help=(
                f"Closed rounds to build before the current one, each sized like its season "
                f"(default {DEFAULT_HISTORY}; 0: the current round only)."
            ),
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing (but print the log-ins) when a demo round already exists.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the existing demo round and demo users first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_missing"] and options["replace"]:
            raise CommandError("--if-missing and --replace contradict each other.")
        existing = Round.objects.filter(is_demo=True).order_by("-start_date").first()
        if options["if_missing"] and existing is not None:
            self.stdout.write(f"The demo round {existing} ({existing.slug}) is already loaded.")
            self.stdout.write(_logins_text(demo_logins()))
            return
        began = time.perf_counter()
        try:
            # Without a size the round is sized like its season (as the closed rounds are).
            sized = any(options[o] is not None for o in ("applicants", "positions", "seats"))
            summary = demo_round_seed(
                seed=options["seed"],
                applicants=options["applicants"] or 1200,
                positions=options["positions"] or 31,
                seats=options["seats"],
                seasonal=not sized,
                replace=options["replace"],
                history=options["history"],
            )
        except (DemoRoundExists, ValueError) as error:
            raise CommandError(str(error)) from None
        # Measured here rather than in the service so that it includes the commit (on
        # PostgreSQL the deferred foreign-key checks run then).
        elapsed = time.perf_counter() - began
        lines = [
            f"Demo round {summary.round_name} ({summary.round_slug}), seed {options['seed']}:",
            f"  advertisements           {summary.advertisements:>9,}",
            f"  seats                    {summary.seats:>9,}",
            f"  applicants               {summary.applicants:>9,}",
            f"  applications             {summary.applications:>9,}",
            f"  per applicant            {summary.applications_per_applicant:>9.1f}",
            f"  applicant-ranking rows   {summary.applicant_ranking_entries:>9,}",
            f"  employer-ranking entries {summary.employer_ranking_entries:>9,}",
            f"  couples                  {summary.couples:>9,}",
            f"  applying again           {summary.reapplicants:>9,}",
            f"  past rounds              {', '.join(summary.past_rounds) or '–':>9}",
            f"  elapsed                  {elapsed:>9.1f} s",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.write(_logins_text(summary.logins))


def _logins_text(logins: tuple[tuple[str, str], ...]) -> str:
    lines = [f"Log-ins (password {settings.LIS1_DEMO_PASSWORD}):"]
    lines += [f"  {email:<28} {what}" for email, what in logins]
    return "\n".join(lines)
