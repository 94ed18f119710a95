"""Where the package's own files are: templates (theme overrides, PDF and text templates) and data.

A leaf: imports nothing of the package.  One definition of each path, so that no module computes
it from its own place in the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent  # the ``registre`` package (code fingerprint: build.fingerprint)
TEMPLATES = PACKAGE_DIR / "templates"  # theme overrides (MkDocs), pdf/, text templates
DATA = PACKAGE_DIR / "data"
NOMENCLATURE_CSV = DATA / "nomenclature-actes.csv"
SCDL_SCHEMA = DATA / "scdl-deliberations.schema.json"
TRIBUNAUX_CSV = DATA / "tribunaux-administratifs.csv"  # département → tribunal administratif (CJA R221-3)
# Files of a new commune's repository (registre init).  Not under TEMPLATES: MkDocs copies every
# non-HTML file of the theme folders into the public site.
INIT_TEMPLATES = PACKAGE_DIR / "init_templates"
FONTS = DATA / "fonts"  # Source Sans Pro (OFL) of the PDFs: data/fonts/README.md
