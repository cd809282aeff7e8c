"""What WeasyPrint's tagged PDF leaves out, added before the file is written.

WeasyPrint 70 tags the report (headings, tables, lists, figures with their alt text)
but leaves three things to the caller; `finish_tagged` adds them through WeasyPrint's
`finisher` hook, on the `pydyf.PDF` right before it is written:

- the page footer (title and page number, in the @page margin boxes) is drawn as marked
  content whose structure elements hang in no tree. PDF/UA wants it an artifact: here
  it becomes a pagination artifact, so a screen reader skips it and nothing is left
  half tagged (the report template has margin boxes at the bottom only: a header at
  the top would be marked a footer too);
- header cells carry no /Scope: here a header in a table head gets /Column, one in a
  body row (the row's name, `<th scope="row">`) gets /Row;
- the PDF/A variant writes the PDF/A identification only: `declare_pdfua` adds the
  PDF/UA one (with the extension schema PDF/A asks for it), because an archived file
  has the same tags as a downloaded one.

The objects are pydyf's (untyped): dictionaries, arrays, and references as b"12 0 R".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

FOOTER_ARTIFACT: Final = "<</Type /Pagination /Subtype /Footer>>"
PDFUA_IDENTIFICATION: Final = (
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'
    b' pdfuaid:part="1"/>'
)
# PDF/A-2 allows only the XMP properties it knows, or ones a file declares in an extension
# schema (ISO 19005-2, 6.6.2.3): pdfuaid:part is not one it knows, so the file declares it.
PDFUA_EXTENSION_SCHEMA: Final = b"""<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed\
</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""


def _object(pdf: Any, reference: Any) -> Any:
    """The object a reference (b"12 0 R") points to, or None for anything else."""
    if not isinstance(reference, bytes | str):
        return None
    text = reference.decode() if isinstance(reference, bytes) else reference
    return pdf.objects[int(text.split()[0])] if text.endswith(" R") else None


def _elements(pdf: Any, element: Any, in_head: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every structure element under `element`, with whether it is in a table head."""
    for kid in element.get("K", ()):
        child = _object(pdf, kid)
        if child is None or child.get("Type") != "/StructElem":
            continue
        yield child, in_head
        yield from _elements(pdf, child, in_head or child.get("S") == "/THead")


def _with_kids(pdf: Any, element: Any) -> Iterator[tuple[Any, bool]]:
    yield element, False
    yield from _elements(pdf, element)


def _scope_headers(elements: list[tuple[Any, bool]]) -> None:
    for element, in_head in elements:
        if element.get("S") == "/TH" and "A" in element:
            element["A"]["Scope"] = "/Column" if in_head else "/Row"


def _untagged_content(pdf: Any, reachable: set[int]) -> dict[int, set[int]]:
    """Per page, the marked-content ids whose structure element is outside the tree."""
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    nums = _object(pdf, root["ParentTree"])["Nums"]
    stray: dict[int, set[int]] = {}
    for page, elements in zip(nums[0::2], nums[1::2], strict=True):
        if not isinstance(elements, list):
            continue  # an annotation's entry, not a page's
        for mcid, reference in enumerate(elements):
            if (found := _object(pdf, reference)) is not None and found.number not in reachable:
                stray.setdefault(page, set()).add(mcid)
                elements[mcid] = b"null"
    return stray


def _mark_artifacts(pdf: Any, stray: dict[int, set[int]]) -> None:
    """Turn `/Span <</MCID n>> BDC` of the stray ids into pagination artifacts."""
    for number, reference in enumerate(pdf.page_references):
        ids = stray.get(number)
        if not ids:
            continue
        content = _object(pdf, _object(pdf, reference)["Contents"]).stream
        for index in range(len(content) - 2):
            properties = content[index + 1]
            if (
                content[index + 2] == b"BDC"
                and isinstance(properties, dict)
                and properties.get("MCID") in ids
            ):
                content[index], content[index + 1] = "/Artifact", FOOTER_ARTIFACT


def finish_tagged(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: header scopes and the footer as an artifact."""
    root = _object(pdf, pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return
    tree = [element for kid in root["K"] for element in _with_kids(pdf, _object(pdf, kid))]
    _scope_headers(tree)
    _mark_artifacts(pdf, _untagged_content(pdf, {element.number for element, _ in tree}))


def declare_pdfua(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher for PDF/A: also identify the file as PDF/UA-1 in its XMP."""
    finish_tagged(document, pdf)
    metadata = _object(pdf, pdf.catalog["Metadata"])
    packet = b"\n".join(metadata.stream)
    if b"pdfuaid:part" not in packet:
        added = PDFUA_EXTENSION_SCHEMA + PDFUA_IDENTIFICATION
        packet = packet.replace(b"</rdf:RDF>", added + b"</rdf:RDF>", 1)
    metadata.stream[:] = [packet]
