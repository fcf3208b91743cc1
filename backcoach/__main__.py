"""`python -m backcoach` runs the same CLI as the console script."""

from backcoach.cli import main

main()
