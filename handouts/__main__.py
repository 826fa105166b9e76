"""`python -m handouts`: the same as the `handouts` command."""

from handouts.cli.app import main

main()
