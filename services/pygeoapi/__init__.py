"""OGC API - Features by pygeoapi, mounted at ``/ogc`` behind a validating WSGI guard."""
