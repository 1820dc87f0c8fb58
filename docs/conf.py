"""Sphinx configuration of the b2i site: the root pages plus one section per package (docs/packages/*)."""

project = "b2i"
author = "b2i"
copyright = "2026, b2i"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
autosummary_generate = True
autodoc_default_options = {"members": True, "undoc-members": False}
exclude_patterns = ["_build", "packages/*/_build"]
html_theme = "furo"
html_title = "b2i: from bits to intelligence"
