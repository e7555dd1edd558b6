"""The opsc-terms language server (installed as ``opsc_terms.lsp_server``).

``opsc-terms-lsp`` or ``python -m opsc_terms.lsp_server`` starts it on stdio.
"""

from __future__ import annotations

from .server import create_server, main

__all__ = ["create_server", "main"]
