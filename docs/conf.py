"""Sphinx configuration of the b2i site: the root pages plus one section per package (docs/packages/*)."""

import logging
import pathlib
import shutil

project = "b2i"
author = "b2i"
copyright = "2026, b2i"

ROOT = pathlib.Path(__file__).resolve().parent.parent

extensions = [
    "myst_parser",
    "autoapi.extension",
    "sphinx.ext.napoleon",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
# The API reference is read from the source (not imported), so optional extras such as the fast engine's
# llvmlite need not be installed to build the docs. b2i is a PEP 420 namespace.
autoapi_dirs = [str(p) for p in sorted(ROOT.glob("packages/b2i-*/src/b2i"))]
autoapi_root = "api"
autoapi_python_use_implicit_namespaces = True
autoapi_options = ["members", "show-inheritance", "show-module-summary"]
autoapi_ignore = ["*/tests/*", "*/conftest.py"]
autoapi_keep_files = True  # written to docs/api/ (git-ignored)
# Written anew each build: pages of a module that has since been removed would otherwise stay and break the build.
shutil.rmtree(ROOT / "docs" / "api", ignore_errors=True)
autoapi_add_toctree_entry = False
exclude_patterns = ["_build", "packages/*/_build"]
html_theme = "furo"
html_title = "b2i: from bits to intelligence"
# autoapi reads the source without importing it, so it cannot follow names built at import time; that is
# a limit of static reading, not a fault of the docs.
suppress_warnings = ["autoapi.python_import_resolution"]


class _DocstringMarkup(logging.Filter):
    """Lets a docstring's markup slip (written for readers of the code, not for reStructuredText) pass.

    The hand-written pages stay under -W; only docutils complaints inside the generated API pages are dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        location = str(getattr(record, "location", "") or "")
        return not (getattr(record, "type", None) == "docutils" and f"{_API_DIR}" in location)


_API_DIR = str(ROOT / "docs" / "api") + "/"


def setup(app):
    for handler in logging.getLogger("sphinx").handlers:
        handler.filters.insert(0, _DocstringMarkup())
