"""Printing a map to PDF at an exact scale: the page layout (:mod:`.layout`) and the
document (:mod:`.document`). Plain Python; the web part is ``web/printing``."""
