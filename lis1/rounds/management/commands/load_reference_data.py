from typing import Any

from django.core.management.base import BaseCommand

from lis1.rounds.reference import reference_data_load


class Command(BaseCommand):
    help = "Load (or refresh) regions, employers, hospital sites and the 2024 municipalities."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_data_load()
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"Reference data: {counts.regions} regions, {counts.employers} employers, "
            f"{counts.sites} hospital sites, {counts.municipalities} municipalities."
        )
