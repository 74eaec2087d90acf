"""Deterministic demo county (shaped on powiat łaski, TERYT 1003) written in real exchange
formats: EGiB GML 2021 per cadastral unit, APP 2.0 GML for local plans, plus the plans'
zones in a small project schema. See ``county.py`` for the file layout and
``python -m etl.synthetic --help`` for the command line."""

from etl.synthetic.county import generate_demo_county

__all__ = ["generate_demo_county"]
