"""XML namespaces of the exchange formats, in one place."""

GML = "http://www.opengis.net/gml/3.2"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
WFS20 = "http://www.opengis.net/wfs/2.0"
GMD = "http://www.isotc211.org/2005/gmd"
GCO = "http://www.isotc211.org/2005/gco"

EGIB2021 = "ewidencjaGruntowIBudynkow:1.0"
EGIB2015 = "urn:gugik:specyfikacje:gmlas:ewidencjaGruntowBudynkow:1.0"
BT2015 = "urn:gugik:specyfikacje:gmlas:modelPodstawowy:1.0"

APP1 = "https://www.gov.pl/static/zagospodarowanieprzestrzenne/schemas/app/1.0"
APP2 = "https://www.gov.pl/static/zagospodarowanieprzestrzenne/schemas/app/2.0"
MPZP = "urn:x-geoportal:mpzp:1.0"
# The demo county's topographic objects: BDOT10k class names in a project namespace
# (etl/synthetic/topo_writer.py explains why).
TOPO = "urn:x-geoportal:bdot10k:1.0"

EGIB_ALL = frozenset({EGIB2021, EGIB2015})
APP_ALL = frozenset({APP1, APP2, MPZP})
TOPO_ALL = frozenset({TOPO})
