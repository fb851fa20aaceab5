"""Write ``api.rst`` from the package itself, so the API reference cannot drift.

Every public subpackage of skgan gets a section listing every name of its
``__all__`` (classes with the ``class.rst`` template, functions with
``function.rst``); any name of ``skgan.__all__`` that no subpackage exports
gets a section of its own. ``conf.py`` calls :func:`write_api_reference`
before autosummary generates the pages, so a new estimator is documented the
moment it is exported. The intros below are the only hand-written part.
"""

import importlib
import inspect
import pkgutil

INTROS = {
    "skgan.impute": (
        "Imputers",
        "Transformers that fill missing entries; observed entries come back "
        "bit-identical. See :ref:`misgan`, :ref:`hexagan` and :ref:`choosing`.",
    ),
    "skgan.semi_supervised": (
        "Semi-supervised classifiers",
        "A classifier for data with missing entries, imbalanced classes and "
        "unlabeled rows (marked ``-1`` in ``y``). See :ref:`hexagan`.",
    ),
    "skgan.over_sampling": (
        "Over-samplers",
        "An imbalanced-learn over-sampler and the classifier trained by the same "
        "game. See :ref:`gamo` and :ref:`choosing`.",
    ),
    "skgan.datasets": (
        "Data sets and missingness simulation",
        "Helpers that remove entries of a complete matrix (MCAR, MAR, MNAR) and "
        "loaders of the offline benchmark data.",
    ),
}

HEADER = """\
.. _api:

=============
API reference
=============

This page is generated from the package at build time: every public name of
skgan, with its documentation taken from its docstring. Estimators are
importable from the top level (``from skgan import MisGANImputer``) and from
their subpackage, laid out as in scikit-learn and imbalanced-learn.
"""


def _title(text, char):
    return f"{text}\n{char * len(text)}\n"


def _public_subpackages(package):
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg and not info.name.startswith("_"):
            yield importlib.import_module(f"{package.__name__}.{info.name}")


def _block(module_for_names, names, objects):
    """An autosummary of ``names``, one block per template."""
    out = [f".. currentmodule:: {module_for_names}\n"]
    classes = [n for n in names if inspect.isclass(objects[n])]
    functions = [n for n in names if n not in classes]
    for template, group in (("class.rst", classes), ("function.rst", functions)):
        if group:
            out.append(
                ".. autosummary::\n   :toctree: generated/\n"
                f"   :template: {template}\n\n"
                + "".join(f"   {name}\n" for name in group)
            )
    return "\n".join(out)


def api_reference_text(package):
    """The reST of the API page for ``package`` (the imported ``skgan``)."""
    top = set(getattr(package, "__all__", ()))
    parts, covered = [HEADER], set()
    for module in sorted(_public_subpackages(package), key=lambda m: m.__name__):
        names = sorted(getattr(module, "__all__", ()))
        if not names:
            continue
        title, intro = INTROS.get(
            module.__name__,
            (module.__name__, (inspect.getdoc(module) or "").split("\n\n")[0]),
        )
        parts.append(_title(f":mod:`{module.__name__}`: {title}", "="))
        parts.append(
            f".. automodule:: {module.__name__}\n   :no-members:\n"
            "   :no-inherited-members:\n"
        )
        parts.append(intro + "\n")
        # Names re-exported at the top level are documented under ``skgan``,
        # the import users write.
        objects = {n: getattr(module, n) for n in names}
        in_top = [n for n in names if n in top]
        rest = [n for n in names if n not in top]
        if in_top:
            parts.append(_block(package.__name__, in_top, objects))
        if rest:
            parts.append(_block(module.__name__, rest, objects))
        covered.update(names)
    leftover = sorted(
        n for n in top - covered if not n.startswith("_") and n != "__version__"
    )
    if leftover:
        parts.append(_title(f":mod:`{package.__name__}`: other", "="))
        parts.append(
            _block(
                package.__name__, leftover, {n: getattr(package, n) for n in leftover}
            )
        )
    return "\n".join(parts)


def write_api_reference(package, path):
    """Write the page to ``path`` unless it is already up to date (so an
    unchanged API does not force Sphinx to re-read it)."""
    text = api_reference_text(package)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
