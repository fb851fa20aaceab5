"""Sphinx configuration of skgan's documentation.

Build with ``make -C doc html`` (or ``sphinx-build -W --keep-going -b html doc
doc/_build/html``). The build needs no network: intersphinx links to the
scikit-learn, imbalanced-learn, NumPy and PyTorch docs are made only when
``SKGAN_DOCS_INTERSPHINX=1`` is set. The gallery in ``examples/`` runs at build
time with tiny training budgets; ``SKGAN_DOCS_PLOT_GALLERY=0`` skips running
it (the pages are still written, without outputs).
"""

import os
import re
import sys
from pathlib import Path

# Small networks on two shared cores: one OpenMP thread, set before torch is
# imported (autodoc and the gallery import it in this process).
os.environ.setdefault("OMP_NUM_THREADS", "1")

DOC = Path(__file__).resolve().parent
ROOT = DOC.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOC))

import skgan  # noqa: E402
from sphinx_gallery.sorting import ExplicitOrder  # noqa: E402

# -- project -------------------------------------------------------------------
project = "skgan"
author = "The skgan developers"
copyright = "The skgan developers"
release = skgan.__version__
version = re.sub(r"(\d+\.\d+).*", r"\1", release)

# -- general -------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
root_doc = "index"
default_role = "literal"
nitpicky = False

# -- autodoc / autosummary / numpydoc ------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
# Autosummary tables of methods are written by the class template; numpydoc
# must not add its own (that would duplicate them and make toctree warnings).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Docstrings that drift from the code fail the build: every parameter of a
# public signature documented, none documented that does not exist
# (PR01, PR02), and parameter types given (PR04). Inherited scikit-learn
# methods are checked by scikit-learn, not here.
numpydoc_validation_checks = {"PR01", "PR02", "PR04"}
numpydoc_validation_exclude = {
    r"\.set_output$",
    r"\.set_params$",
    r"\.get_params$",
    r"\.get_metadata_routing$",
    r"\.set_\w+_request$",
    r"\.fit_transform$",
    r"\.score$",
    r"\.__init__$",
    # imbalanced-learn's fit / fit_resample, inherited as they are.
    r"GAMOResampler\.fit(_resample)?$",
}
numpydoc_xref_param_type = False

# -- intersphinx (opt-in: it downloads inventories) ----------------------------
if os.environ.get("SKGAN_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "imblearn": ("https://imbalanced-learn.org/stable", None),
        "torch": ("https://pytorch.org/docs/stable", None),
    }

# -- sphinx-gallery ------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "plot_gallery": os.environ.get("SKGAN_DOCS_PLOT_GALLERY", "True"),
    "doc_module": ("skgan",),
    "backreferences_dir": "generated/backreferences",
    "subsection_order": ExplicitOrder(
        [
            f"../examples/{name}"
            for name in ("impute", "semi_supervised", "over_sampling", "benchmarks")
        ]
        + ["*"]
    ),
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 5,
    # Every example must run: an exception fails the build.
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "matplotlib_animations": False,
}

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skgan {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "getting_started": [], "choosing": []}
html_static_path = []
html_show_sourcelink = False


# -- API reference, written from the package ----------------------------------
from api_reference import write_api_reference  # noqa: E402

write_api_reference(skgan, DOC / "api.rst")


# -- docstrings of other projects -----------------------------------------------
def _foreign_docstring(node):
    """True for a node parsed from a docstring of scikit-learn or
    imbalanced-learn (an inherited method such as ``set_output``)."""
    from sphinx.util.nodes import get_node_source

    try:
        source = get_node_source(node)
    except ValueError:  # no source on the node or any parent
        return False
    return "docstring of sklearn." in source or "docstring of imblearn." in source


def _resolve_foreign_references(app, env, node, contnode):
    """Inherited scikit-learn / imbalanced-learn docstrings link to labels of
    their own sites (``metadata_routing``, ...): without intersphinx they
    cannot resolve. Render those as plain text, and only those: a broken
    reference in skgan's own text still fails the build."""
    if _foreign_docstring(node):
        return contnode
    return None


def _escape_shape_references(app, what, name, obj, options, lines):
    """``shape (n_features_in_,)`` in a type would read as a reST link target:
    quote the name (scikit-learn writes ``(`n_features_in_`,)``)."""
    for i, line in enumerate(lines):
        lines[i] = re.sub(r"(?<![`\w])(n_features_in_)(?=,\))", r"`\1`", line)


def setup(app):
    app.connect("missing-reference", _resolve_foreign_references, priority=900)
    app.connect("autodoc-process-docstring", _escape_shape_references)
