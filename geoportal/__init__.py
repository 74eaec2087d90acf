"""County geoportal core: settings, database, layer catalog and domain rules.

This package imports no web or OGC engine; ``etl``, ``services`` and ``web`` build on it.
"""
