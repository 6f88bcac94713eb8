"""The `cohort` program's entry point (`cohort ...` or `python -m adapters.main ...`).

It imports the bot only once a command runs: the feed parser processes start by importing the
program's main module again (multiprocessing does that), and a light one keeps each of them at
the parser's size, about 20 MB, rather than the whole bot's, about 95 MB.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from adapters.cli import main as run  # imported here: the reason is above

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
