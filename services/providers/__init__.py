"""Data providers plugged into the OGC engines by dotted path (pygeoapi ``providers``).

They are ordinary project code: plain SQL against the ``publish`` views, connected as the
public reader through a libpq service name, so no engine configuration holds a password.
"""
