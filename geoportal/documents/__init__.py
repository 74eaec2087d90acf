"""The documents the office issues: wypis and wyrys of the land register, planning
extracts; signed, registered, verifiable. No web code here; jobs and pages call
:mod:`.issue` and :mod:`.register`.

Modules, by what they hold:

``kinds``     the kinds of document and which e-service issues which (a registry)
``content``   what a document says, as plain values (no SQL, no PDF)
``egib``      a wypis's content read from the EGiB tables (owners only on request)
``planning``  the plan zones covering each parcel, with their share of its area
``mapsheet``  the arithmetic of a map frame true to its scale on paper
``pdf``       the layout (ReportLab, DejaVu embedded, QR code, scale bar, legend)
``signing``   PAdES signatures (pyHanko), the development CA, validation
``register``  the register of issued documents and the verification codes
``issue``     issuing exactly once: assemble, sign, store, register with the case's step
"""
