"""What the policy lab's commands share: one-line argument errors (exit 2) and the output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lis1.rounds.models import Round

USAGE_ERROR = 2


class OneLineParser(CommandParser):
    """Argument errors as one line on stderr and exit status 2 (argparse prints the usage too)."""

    def error(self, message: str) -> NoReturn:
        if getattr(self, "called_from_command_line", False):
            sys.stderr.write(f"{self.prog}: error: {message}\n")
            sys.exit(USAGE_ERROR)
        raise CommandError(f"Error: {message}", returncode=USAGE_ERROR)


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def round_by_slug(slug: str) -> Round:
    round_ = Round.objects.filter(slug=slug).first()
    if round_ is None:
        raise usage_error(f"No round with slug {slug!r}.")
    return round_


def write_json(document: dict[str, Any], output: str) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output == "-":
        sys.stdout.write(text)
        return
    path = Path(output)
    if not path.parent.is_dir():
        raise usage_error(f"The output folder {str(path.parent)!r} does not exist.")
    path.write_text(text, encoding="utf-8")


class PolicyCommand(BaseCommand):
    """A command whose argument errors are one line with exit status 2."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # BaseCommand builds a CommandParser itself; only its error() differs here.
        parser.__class__ = OneLineParser
        return parser
