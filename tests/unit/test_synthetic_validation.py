"""Generated files validate offline against EGIB.XSD, app2.xsd and the zones schema."""

from __future__ import annotations

import pytest

from etl.gml import schemas
from etl.synthetic.samples import sample_county

FIXTURES = __import__("pathlib").Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="session")
def built_schemas():
    """Build every bundled schema once (the slow part: seconds)."""
    return {kind: schemas.get_schema(kind) for kind in ("egib", "app2", "mpzp")}


@pytest.fixture(scope="module")
def files():
    """The generated GML files (the PRG units are GeoJSON, which no XML schema covers)."""
    return [path for path in sample_county(400)[1] if path.suffix == ".gml"]


def test_schemas_build_offline_from_the_pycsw_bundle(built_schemas):
    egib = built_schemas["egib"]
    assert "http://www.opengis.net/gml/3.2" in egib.maps.namespaces
    assert "http://www.isotc211.org/2005/gmd" in egib.maps.namespaces
    assert schemas.map_uri("http://schemas.opengis.net/gml/3.2.1/gml.xsd").startswith("file://")
    assert schemas.map_uri("http://example.org/x.xsd") == "http://example.org/x.xsd"


def test_every_generated_file_is_recognised(files):
    kinds = [schemas.schema_kind(path) for path in files]
    assert kinds.count("egib") == 7  # subjects + 6 units
    # one APP file and one zones file per gmina with local plans, and the general plan
    assert kinds.count("app2") == kinds.count("mpzp") + 1
    assert kinds.count("mpzp") >= 4
    assert sum(p.name.startswith("APP_POG_") for p in files) == 1


@pytest.mark.parametrize("kind", ["egib", "app2", "mpzp"])
def test_generated_files_are_schema_valid(built_schemas, files, kind):
    chosen = [p for p in files if schemas.schema_kind(p) == kind]
    if kind == "egib":  # the unit files share one writer: the subjects file + two units
        chosen = [
            p
            for p in chosen
            if "podmioty" in p.name or "100302_4" in p.name or "100301_2" in p.name
        ]
    for path in chosen:
        assert schemas.validate(path, kind) == [], path.name


def test_validation_reports_errors_instead_of_raising(built_schemas):
    findings = schemas.validate(FIXTURES / "app_samples" / "2_pog_AktPlanowaniaPrzestrzennego.gml")
    assert findings and all("gml}id" in f or "gml:id" in f or "id'" in f for f in findings)
    assert schemas.validate(FIXTURES / "egib_hel" / "221101_1.0001.733.gml") == [
        "no bundled schema for this file's namespace"
    ]
