"""`python -m client` runs the same command as the `secretary-client` console script."""

from client.cli import main

main()
