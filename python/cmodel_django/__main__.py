"""python3 -m cmodel_django: see cli.py."""

import sys

from .cli import main

sys.exit(main())
