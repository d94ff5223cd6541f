from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lis1.jobs.models import JobStatus
from lis1.rounds.enums import MatchRunKind
from lis1.rounds.models import Round
from lis1.rounds.services.matching import (
    MatchRunError,
    match_run_create,
    match_run_publish,
    match_run_verify,
    round_run_match,
)


class Command(BaseCommand):
    help = "Run the match for a round in this process and print its statistics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, help="The round's slug, e.g. spring-2027.")
        parser.add_argument("--seed", type=int, help="Seed (default: a random one, printed).")
        parser.add_argument(
            "--follow-up", action="store_true", help="Match vacant seats again (after answers)."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Verify the run and publish it when it verifies.",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="Publish although positions lack a submitted ranking or the matching is not "
            "stable, for this reason.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(slug=options["round"]).first()
        if round_ is None:
            raise CommandError(f"No round with slug {options['round']!r}.")
        seed = options["seed"] if options["seed"] is not None else secrets.randbelow(2**31)
        kind = MatchRunKind.FOLLOW_UP if options["follow_up"] else MatchRunKind.MAIN
        try:
            run = match_run_create(round_=round_, kind=kind, seed=seed)
        except MatchRunError as error:
            raise CommandError(str(error)) from None
        run = round_run_match(match_run=run)
        if run.status != JobStatus.SUCCEEDED:
            raise CommandError(f"Match run #{run.pk} failed: {run.error}")
        stats = run.statistics
        self.stdout.write(
            f"Match run #{run.pk} of {round_} ({run.get_kind_display()}), seed {seed}: "
            f"{stats['matched']} placed, {stats['unmatched']} unplaced, "
            f"{stats['unfilled_seats']} of {stats['seats']} seats unfilled; "
            f"stable: {'yes' if run.stable else 'NO'}.\n"
            f"Time: load {run.load_ms} ms, engine {run.engine_ms} ms, write {run.write_ms} ms.\n"
            f"Input SHA-256: {run.input_sha256}"
        )
        if options["publish"]:
            problems = match_run_verify(match_run=run)
            if problems:
                raise CommandError("The run does not verify: " + " ".join(problems))
            try:
                match_run_publish(
                    match_run=run, confirm=bool(options["reason"]), reason=options["reason"]
                )
            except MatchRunError as error:
                raise CommandError(str(error)) from None
            self.stdout.write("Verified and published.")
