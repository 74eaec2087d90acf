"""The search box's endpoint (``/api/search``) and the text-only parcel pages (``/dzialka``).

Both read through ``geoportal.search`` and ``geoportal.cadastre.card`` as the public role;
this package only turns their values into JSON and HTML and their refusals into statuses.
"""
