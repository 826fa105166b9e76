"""`python -m handouts`: the same as the `handouts` command."""

from handouts.cli import main

main()
