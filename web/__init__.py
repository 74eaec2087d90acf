"""The web process: Flask viewer and the composition of all services into one WSGI app."""
