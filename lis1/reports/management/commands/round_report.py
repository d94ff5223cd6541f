"""`manage.py round_report --round SLUG --format FORMAT --output PATH [--internal] [--live]`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from lis1.reports.render import FORMATS, report_render
from lis1.reports.services import round_report_build
from lis1.rounds.models import Round


class Command(BaseCommand):
    help = (
        "Build a round's status report and write it in one format (a closed round's from the "
        "input frozen when it closed, unless --live)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, dest="slug", help="The round's slug.")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument(
            "--output", required=True, help="File to write ('-' writes to standard output)."
        )
        parser.add_argument(
            "--internal",
            action="store_true",
            help="Show counts below 5 (not for publication).",
        )
        parser.add_argument(
            "--live",
            action="store_true",
            help="For a closed round: build from today's data, not the input frozen at closing.",
        )
        parser.add_argument("--language", default="en", help="Language of labels (nb, nn, en).")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(slug=options["slug"]).first()
        if round_ is None:
            raise CommandError(f"No round with the slug {options['slug']!r}.")
        began = time.perf_counter()
        with translation.override(options["language"]):
            report = round_report_build(
                round_=round_, internal=options["internal"], live=options["live"]
            )
            filename, _content_type, content = report_render(report, options["fmt"])
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        path = Path(options["output"])
        if path.is_dir():
            path = path / filename
        path.write_bytes(content)
        self.stderr.write(
            f"{path}: {len(content):,} bytes, {options['fmt']}, "
            f"{'internal' if options['internal'] else 'public'}, "
            f"{time.perf_counter() - began:.2f} s"
        )
