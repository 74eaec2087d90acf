"""MapProxy tile services (WMTS, TMS, XYZ, cached WMS) and cache seeding."""
