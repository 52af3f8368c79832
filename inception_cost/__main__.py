"""`python -m inception_cost` runs the same CLI as the `inception-cost` script."""

from inception_cost.cli import main

main()
