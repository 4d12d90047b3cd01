"""Allow ``python -m lingopress``."""

from lingopress.cli import main

main()
