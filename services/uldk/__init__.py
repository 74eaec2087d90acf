"""A ULDK-compatible parcel location API at ``/uldk``, answering from the county's own data.

GUGiK's national ULDK service (uldk.gugik.gov.pl) locates parcels, buildings, obręby,
gminy, counties and voivodeships by identifier or by a point. Its published description
is thin; what clients rely on was read from their code (the reference of each rule is in
``tests/unit/test_uldk_*.py`` and ``tests/system/test_uldk.py``)::

    /uldk?request=GetParcelById&id=100302_4.0001.123/4&result=geom_wkt,teryt&srid=4326

The answer is plain text, one line per field set::

    0                                   status: objects follow
    SRID=4326;POLYGON((19.1 51.5,...))|100302_4.0001.123/4

* ``request`` names (any case): see :data:`services.uldk.protocol.OPERATIONS`.
* ``result``: fields joined by ``|`` in the order asked; ``geom_wkb`` (hex EWKB, the
  default), ``geom_wkt`` (``SRID=…;POLYGON(…)``), ``geom_extent`` (``xmin,ymin,xmax,ymax``),
  ``teryt``/``id``, names of the containing units, ``parcel``, ``datasource``; buildings
  also ``function``. A field that does not apply to an object is empty.
* ``srid``: output CRS, EPSG:2180 by default. Coordinates are always easting (longitude)
  first, whatever the EPSG axis order of the CRS: that is what the national service
  writes and what every client read (``SRID=4326;POLYGON((16.578 52.355,…``).
* ``xy=x,y[,srid]``: the same order, easting (longitude) first, input CRS 2180 by default.
* A one-part multipolygon is written as a POLYGON, as the national service does (its
  clients build polygon layers from it).

Status lines and HTTP statuses. The national service answers everything with HTTP 200
and puts the status in the first line; its clients tell absence from failure by that
line, and several treat any HTTP error as a broken connection. So:

* objects found: 200, ``0`` (``GetParcelByIdOrNr``: the number of objects);
* nothing found, including identifiers that cannot exist and points outside the county
  or outside Poland: 200, ``-1 brak wyników`` (the national service answers a nonsense
  identifier and a point in Berlin the same way);
* a malformed request (unknown ``request``, missing ``id``/``xy``, unreadable or
  non-finite coordinates, an unknown ``srid`` or ``result`` field, an over-long or
  repeated parameter, a method other than GET): our usual 4xx from the edge's table,
  with a ``-1 niepoprawny parametr …`` line, so a client reading only the body still
  sees a failure. A working client never sends these, so no client depends on the 200
  the national service would give;
* database unavailable: 503 with ``Retry-After``, like every other service.

Only what the county's data hold is answered: parcels, buildings, obręby, gminy (built
from the cadastral units: the town and rural area of an urban-rural gmina form one gmina
``WWPPGG_3``) and the county itself; voivodeships are not held, so they answer
``-1 brak wyników``. Everything is read through the ``publish`` views as the public role.
"""
