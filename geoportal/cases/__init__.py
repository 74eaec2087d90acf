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
``actors``       who acts (staff with roles, the applicant, the system)
``states``       the state machine: states, steps, who may take them
``audit``        the append-only, hash-chained audit trail and its verification
``tokens``       tracking tokens and idempotency keys
``store``        the transactional API: submit, transition, decide_exemption, get…
``queue``        the staff queue with overdue flags
``errors``       the domain errors (the web layer maps them to HTTP statuses)
``cli``          ``geoportal cases verify``
"""
