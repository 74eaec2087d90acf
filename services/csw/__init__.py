"""The CSW 2.0.2 catalogue (ISO 19115/19139 application profile) at ``/csw``, by pycsw.

Its records are the portal's discovery metadata (``services.records``), rendered as ISO
19139 and kept in PostgreSQL; pycsw answers the protocol over them, read-only.
"""
