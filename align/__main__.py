"""``python -m align``: the same as the ``align`` command."""

from align.cli.main import main

main()
