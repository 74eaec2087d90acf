"""The one search box: what a person typed → parcels, obręby, gminy, addresses, points.

``parsing`` reads the text into the interpretations it allows (no database), ``coordinates``
reads coordinates in the supported systems, ``finder`` looks the interpretations up in the
``publish`` search views as the public role, ``keys`` is the folding rule shared with SQL.
Nothing here knows HTTP; ``web/search`` serves it.
"""
