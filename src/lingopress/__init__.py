"""lingopress: translate a Markdown newsletter offline and publish it in many languages.

The pipeline (see ``docs/architecture.md``): source issues are segmented by section,
machine-translated with glossaries that keep ML terms right, reviewed by people as
gettext catalogs, and rendered into a static site per language.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
