"""The documents' domain error, in a module of its own: the web layer maps it to a status
without importing the PDF and signing machinery of :mod:`.issue`."""

from __future__ import annotations

from geoportal.cases.errors import CaseError


class DocumentError(CaseError):
    """This case cannot have this document (wrong kind, no parcels, no data to make it)."""
