"""MapServer (WMS 1.3.0, WFS 2.0) as an in-process WSGI application at ``/ows``."""
