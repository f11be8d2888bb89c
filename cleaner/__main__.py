"""`python -m cleaner`: the same command line as the `cleaner` script."""

from cleaner.cli import main

main()
