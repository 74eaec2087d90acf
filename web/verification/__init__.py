"""``/weryfikacja``: anyone checks a document the office issued, by its code or its file.

Answers (:class:`~.checks.Verdict`): *authentic* — the code is registered and the uploaded
file is byte for byte the one issued, its signature intact; *altered* — the code is
registered but the file differs, or its signature does not validate; *unknown* — no
document has this code. A code alone (from the QR code) shows that it is registered.
Shown: the case mark, the kind of document and the date, nothing personal; the database
is asked through ``documents.verify`` as the public reader role.
"""

from web.verification.views import verification_blueprint

__all__ = ["verification_blueprint"]
