"""b2i-sim's tests: sv39_tables.py (next to this file) holds the Sv39 set-up shared by the test programs
written in Python; the bare-metal program files share tests/programs/machine/setup.inc and lib.S."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
