"""The case system's core: e-service requests become cases with marks, fees, deadlines,
states and an audit trail. No web code here; the web layer calls :mod:`.store`.

Modules, by what they hold:

``calendar``     Polish public holidays (``holidays.yaml``), working days, KPA deadlines
``marks``        case marks ``UNIT.JRWA.SEQ.YEAR`` and their gap-free sequence
``fee_items``    kinds of fee item and how each prices a quantity
``fees``         fee tables and exemptions (``fees.yaml``), :func:`~.fees.quote`,
                 :func:`~.fees.verify_quote`
``eservices``    the registry of e-services (``eservices.yaml``)
``rules``        e-services + fees + calendar, checked against each other
``submission``   what an applicant submits, validated, and its canonical hash
``places``       parcels and places of a request checked against the published data
``quantities``   the quantities a fee needs, counted on the server, and the quote
``attachments``  attached files checked by content, size-limited, stored by keyed name
``photos``       photos' metadata (EXIF, XMP, comments) removed without decoding pixels
``intake``       the e-delivery inbox (file drop): signed forms become cases
``inbox_form``   the inbox's XML form read: fields, a report's place, declared files
``actors``       who acts (staff with roles, the applicant, the system)
``states``       the state machine: states, steps, who may take them
``audit``        the append-only, hash-chained audit trail and its verification
``tokens``       tracking tokens and idempotency keys
``store``        the transactional API: submit, transition, decide_exemption, get…
``queue``        the staff queue with overdue flags
``errors``       the domain errors (the web layer maps them to HTTP statuses)
``cli``          ``geoportal cases verify``, ``export``, ``intake``
"""
