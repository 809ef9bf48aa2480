"""`python -m passeur` runs the command line."""
import sys

from passeur.cli import main

sys.exit(main())
