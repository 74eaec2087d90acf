"""The edge every engine adapter shares: what a failure answers, and how it is written.

``failures`` is the one table from a kind of failure to an HTTP status, an OGC exception
code and a ``Retry-After`` policy; ``documents`` writes the exception document each
protocol expects (WMS 1.1.1/1.3.0, OWS 1.1 for WFS and WMTS, JSON for OGC API) from
templates. MapServer, MapProxy, pygeoapi and the Flask pages answer through both.
"""
