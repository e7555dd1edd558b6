"""``python -m opsc_terms.lsp_server``."""

import sys

from .server import main

sys.exit(main())
