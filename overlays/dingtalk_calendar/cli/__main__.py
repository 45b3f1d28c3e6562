"""``python -m dingtalk_calendar.cli``."""

import sys

from . import main

sys.exit(main())
