"""OGC API – Processes: the portal's processes as pygeoapi processor plugins.

Each module holds one process; :data:`PROCESSES` is the registry the pygeoapi
configuration is generated from (``services/configgen/pygeoapi.py``). The domain work is
in ``geoportal`` (CRS, tax, cadastre); a processor only reads its inputs, calls it, and
shapes the answer.
"""

from __future__ import annotations

# process id (its URL segment) -> processor class, by dotted path (pygeoapi loads it)
PROCESSES: dict[str, str] = {
    "przeliczenie-wspolrzednych": "services.processes.transform.CoordinateTransformProcessor",
    "raport-dzialki": "services.processes.parcels.ParcelReportProcessor",
    "pokrycie-planem": "services.processes.parcels.PlanCoverageProcessor",
    "hektary-przeliczeniowe": "services.processes.parcels.ConversionHectaresProcessor",
}
