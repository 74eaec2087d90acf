"""Export of a case to the office's document management system (EZD).

An EZD takes a case as a package: its metadata, what was submitted, the complete audit
trail (with the hashes, so the receiving system can check the chain link by link) and a
manifest of SHA-256 sums of every file in the package. The package is a ZIP written
beside its target and moved into place whole; the same case exported twice gives the
same files (the manifest differs only in the export time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import psycopg

from geoportal.cases import audit, store
from geoportal.cases.canonical import canonical_json
from geoportal.cases.errors import CaseNotFound

FORMAT = "geoportal-ezd-1"


def export_case(conn: psycopg.Connection, case_id: int, folder: Path) -> Path:
    """Write ``<mark>.zip`` (dots as hyphens) for one case into ``folder``."""
    case = store.get(conn, case_id)
    if case is None:
        raise CaseNotFound(f"no case {case_id}")
    events = audit.history(conn, case_id)
    files = {
        "metadata.json": canonical_json(_metadata(case)),
        "submission.json": case.submission.canonical(),
        "audit.json": canonical_json([_event(event) for event in events]),
    }
    manifest = {
        "format": FORMAT,
        "case_mark": str(case.mark),
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        "audit_chain_intact": all(event.computed_hash() == event.hash for event in events),
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    return _write_zip(folder / f"{str(case.mark).replace('.', '-')}.zip", files)


def _metadata(case: store.Case) -> dict[str, Any]:
    return {
        "case_mark": str(case.mark),
        "service": case.service,
        "department": str(case.department),
        "state": str(case.state),
        "submitted_at": case.submitted_at.isoformat(),
        "state_changed_at": case.state_changed_at.isoformat(),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "fee_total_grosze": case.fee_total_grosze,
        "submission_sha256": case.submission_sha256,
        "requires_legal_interest": case.requires_legal_interest,
    }


def _event(event: audit.AuditEvent) -> dict[str, Any]:
    return {**event.content(), "hash": event.hash}


def _write_zip(target: Path, files: dict[str, bytes]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # reproducible
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
