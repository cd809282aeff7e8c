"""Reading a PDF's tags back with pikepdf: what a screen reader or an archive would find.

veraPDF (the reference validator) cannot be installed here, so the tests check the parts
of PDF/UA-1 and PDF/A-2a that matter for the reports by hand: the structure tree, the
document language and title, heading, table and figure tags, and that everything drawn
is either tagged content or an artifact.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

# Operators that put something on the page: text, paths, images and shadings.
PAINTING: frozenset[str] = frozenset(
    {"Tj", "TJ", "'", '"', "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh"}
)


@dataclass(frozen=True)
class Element:
    """A structure element, with the types of the elements it sits in (outermost first)."""

    node: pikepdf.Dictionary
    ancestors: tuple[str, ...]

    @property
    def type(self) -> str:
        return str(self.node.S)


def open_pdf(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def elements(document: pikepdf.Pdf) -> list[Element]:
    """Every structure element reachable from the structure tree root, in reading order."""

    def walk(node: object, ancestors: tuple[str, ...]) -> Iterator[Element]:
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        yield Element(node, ancestors)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            yield from walk(kid, (*ancestors, str(node.S)))

    root = document.Root.StructTreeRoot
    kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
    return [element for kid in kids for element in walk(kid, ())]


def types(document: pikepdf.Pdf) -> Counter[str]:
    return Counter(element.type for element in elements(document))


def painted_content(document: pikepdf.Pdf) -> Counter[str]:
    """How each painting operator on the pages is marked: "tagged" (its marked-content id
    belongs to an element in the tree), "artifact", or something a validator would fail."""
    reachable = {element.node.objgen for element in elements(document)}
    nums = document.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    found: Counter[str] = Counter()
    for number, page in enumerate(document.pages):
        stack: list[tuple[str, int | None]] = []
        for instruction in pikepdf.parse_content_stream(page):
            op, operands = str(instruction.operator), instruction.operands
            if op in ("BDC", "BMC"):
                properties = operands[1] if op == "BDC" else None
                mcid = (
                    properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                )
                stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            elif op == "EMC":
                stack.pop()
            elif op in PAINTING:
                found[_marking(stack, parents.get(number), reachable)] += 1
    return found


def _marking(
    stack: list[tuple[str, int | None]], parents: object, reachable: set[tuple[int, int]]
) -> str:
    if any(tag == "/Artifact" for tag, _mcid in stack):
        return "artifact"
    ids = [mcid for _tag, mcid in stack if mcid is not None]
    if not ids or not isinstance(parents, pikepdf.Array):
        return "unmarked"
    parent = parents[ids[-1]]
    if isinstance(parent, pikepdf.Dictionary) and parent.objgen in reachable:
        return "tagged"
    return "outside the tree"


def is_true(value: object) -> bool:
    """A PDF boolean that is true (pikepdf gives PDF booleans as Python's)."""
    return value is True


def markers(page: pikepdf.Page, tag: str) -> list[pikepdf.Object]:
    """The property lists of the marked content tagged `tag` on `page`."""
    return [
        instruction.operands[1]
        for instruction in pikepdf.parse_content_stream(page)
        if str(instruction.operator) == "BDC" and instruction.operands[0] == tag
    ]


def fonts(document: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    """Every font the pages use (their form XObjects included), by base font name."""
    found: dict[str, pikepdf.Object] = {}

    def visit(resources: object) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in resources.get("/Font", {}).values():
            found[str(font.BaseFont)] = font
        for xobject in resources.get("/XObject", {}).values():
            visit(xobject.get("/Resources"))

    for page in document.pages:
        visit(page.obj.get("/Resources"))
    return found


def font_file(font: pikepdf.Object) -> object:
    """The embedded font program of a (Type0 or simple) font, or None."""
    if "/DescendantFonts" in font:
        font = font.DescendantFonts[0]
    descriptor: pikepdf.Object = font.get("/FontDescriptor", pikepdf.Dictionary())
    return next(
        (descriptor[key] for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor),
        None,
    )
