"""``python -m viewer``: the same as the ``defence-timeline`` command."""

import sys

from viewer.cli import main

sys.exit(main())
