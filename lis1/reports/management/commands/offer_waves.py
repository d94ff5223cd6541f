from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lis1.reports.management.commands._policy import (
    PolicyCommand,
    round_by_slug,
    usage_error,
    write_json,
)
from lis1.simulation_data import offer_waves_json


class Command(PolicyCommand):
    help = (
        "Simulate today's offer waves on a round's lists against the central match on the same "
        "lists and write the lis1-offer-waves/1 document."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, help="The round's slug, e.g. spring-2027.")
        parser.add_argument("--waves", type=int, default=5, help="Offer waves (5).")
        parser.add_argument("--seed", type=int, default=1, help="Seed (1).")
        parser.add_argument("--format", required=True, choices=("json",))
        parser.add_argument("--output", required=True, help="File to write, or - for stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = round_by_slug(options["round"])
        try:
            document = offer_waves_json(round_, waves=options["waves"], seed=options["seed"])
        except ValueError as error:
            raise usage_error(f"Bad arguments: {error}") from None
        write_json(document, options["output"])
        if options["output"] != "-":
            written = f"Wrote {document['format']} for {round_.slug} to {options['output']}."
            self.stdout.write(written)
