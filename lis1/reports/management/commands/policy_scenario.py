from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lis1.reports.management.commands._policy import (
    PolicyCommand,
    round_by_slug,
    usage_error,
    write_json,
)
from lis1.simulation_data import scenario_json, seats_needed_json


class Command(PolicyCommand):
    help = (
        "Project a round's queue over the coming rounds with and without a scenario (the same "
        "seeds) and write the lis1-scenario/1 document."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, help="The round's slug, e.g. spring-2027.")
        parser.add_argument("--extra-seats", type=int, default=0, help="Extra seats per round.")
        parser.add_argument("--rounds", type=int, default=10, help="Rounds to project (10).")
        parser.add_argument("--replications", type=int, default=200, help="Replications (200).")
        parser.add_argument("--seed", type=int, default=1, help="Seed (1).")
        parser.add_argument(
            "--part-only-months",
            type=int,
            default=0,
            choices=(0, 6, 12),
            help="Proposal 2: part-only positions of 6 or 12 months for doctors lacking one part.",
        )
        parser.add_argument(
            "--fill-from-last-lists",
            action="store_true",
            help="Proposals 1 and 5: fill seats vacated after the match from the same lists.",
        )
        parser.add_argument(
            "--foreign-track-share",
            type=float,
            default=0.0,
            help="Proposal 7: share of seats in a track for long foreign experience (0-0.5).",
        )
        parser.add_argument(
            "--seats-needed",
            type=int,
            metavar="N",
            help="Instead: the fewest extra seats bringing the queue of doctors who waited more "
            "than N rounds under --target within --rounds rounds (lis1-seats-needed/1).",
        )
        parser.add_argument("--target", type=float, default=100.0, help="Queue target (100).")
        parser.add_argument("--format", required=True, choices=("json",))
        parser.add_argument("--output", required=True, help="File to write, or - for stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = round_by_slug(options["round"])
        params = {
            "rounds": options["rounds"],
            "replications": options["replications"],
            "seed": options["seed"],
            "extra_seats": options["extra_seats"],
            "part_only_months": options["part_only_months"],
            "fill_from_last_lists": options["fill_from_last_lists"],
            "foreign_track_share": options["foreign_track_share"],
        }
        try:
            if options["seats_needed"] is not None:
                document = seats_needed_json(
                    round_,
                    params,
                    waited_rounds=options["seats_needed"],
                    target=options["target"],
                    within=options["rounds"],
                )
            else:
                document = scenario_json(round_, params)
        except ValueError as error:
            raise usage_error(f"Bad scenario: {error}") from None
        write_json(document, options["output"])
        if options["output"] != "-":
            written = f"Wrote {document['format']} for {round_.slug} to {options['output']}."
            self.stdout.write(written)
