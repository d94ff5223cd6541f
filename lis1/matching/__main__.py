"""Entry point for ``python -m lis1.matching``."""

import os
import sys

from lis1.matching.cli import main

status = main()
# The process ends here: skip freeing every object of the run one by one (a tenth of a
# large run's time), which the operating system does at once. Output is flushed first.
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
