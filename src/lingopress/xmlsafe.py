"""XML exchange files read safely, and the text that XML can carry.

Glossaries (TBX) and translation memories (TMX) come from other tools, so they are
untrusted input. :func:`parse_xml` refuses DOCTYPE and entity declarations, before
parsing and again in the parser (ElementTree would expand internal entities, however
many: the "billion laughs"), and keeps the line of every element so that a problem
found later can still point at its line. :data:`XML_INVALID` finds the characters that
XML 1.0 cannot carry at all, not even as character references.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from lingopress.errors import LingopressError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
"""The ``xml:lang`` attribute, as ElementTree names it."""

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters that no XML 1.0 document can hold."""

UNSAFE_MESSAGE = (
    "refused: XML with a DOCTYPE or ENTITY declaration (entities could expand without bound)"
)
"""The refusal of a DOCTYPE or entity declaration."""

_UNSAFE_XML = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


class _UnsafeXML(Exception):
    """A DOCTYPE or entity declaration met by the parser."""


def parse_xml(
    data: bytes, shown: str, error: type[LingopressError] = LingopressError
) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Parse XML into an ElementTree, with the 1-based line of every element.

    Every problem (not well-formed, a DOCTYPE or entity declaration) is raised as
    ``error`` with ``shown`` and the line.
    """
    unsafe = _UNSAFE_XML.search(data)
    if unsafe:
        raise error(UNSAFE_MESSAGE, shown, data.count(b"\n", 0, unsafe.start()) + 1)
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def start(name: str, attributes: dict[str, str]) -> None:
        element = builder.start(_clark(name), {_clark(k): v for k, v in attributes.items()})
        lines[element] = parser.CurrentLineNumber

    def refuse(*args: object) -> None:
        raise _UnsafeXML

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(_clark(name))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as problem:
        message = f"not well-formed XML: {expat.ErrorString(problem.code)}"
        raise error(message, shown, problem.lineno) from None
    except _UnsafeXML:
        raise error(UNSAFE_MESSAGE, shown, parser.CurrentLineNumber) from None
    return builder.close(), lines


def _clark(name: str) -> str:
    """Expat's ``uri}local`` name in ElementTree's ``{uri}local`` form."""
    return f"{{{name}" if "}" in name else name
