"""Data providers plugged into the OGC engines by dotted path (pygeoapi ``providers``).

They are ordinary project code: plain SQL against the ``publish`` views, connected as the
public reader through the application's database object (bound by the composition
root), so no engine configuration holds a host or password.
"""
