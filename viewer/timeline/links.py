"""Where the links of one frame go (pure, no Qt): arcs, containment frames and off-screen ends.

``part of`` is drawn as containment: a frame over the parent's span in the row of each part,
as event frames are drawn in link-analysis charts, rather than one line per part. Every other
relation is an arc between its two events. A link whose other end is not on screen ends at
the edge of the plot with an arrow head and the other event's short title, a target that
takes the user there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from viewer.store.model import Relation

Anchor = tuple[float, float, float]  # (left x, right x, y of the row's middle) of a drawn event

CONTAINMENT_LABEL = Relation.PART_OF.forward_label
EDGE_PX = 6.0  # an off-screen end's arrow tip, this far inside the plot's edge
STUB_PX = 36.0  # length of the line from the visible end towards the edge (at least)
STUB_TEXT_PX = 170.0  # the other event's title is cut to this


@dataclass(frozen=True, slots=True)
class Arc:
    """A link with both ends on screen."""

    link: int
    source: Anchor
    target: Anchor
    label: str


@dataclass(frozen=True, slots=True)
class Containment:
    """A ``part of`` link: a frame over the parent's span in the part's row."""

    link: int
    x0: float
    x1: float
    y: float  # the middle of the part's row


@dataclass(frozen=True, slots=True)
class EdgeEnd:
    """A link whose other end is off screen: a line from ``start`` to the plot's edge."""

    link: int
    start: Anchor
    tip_x: float
    y: float  # of the tip: the visible end's row for a left or right edge, else the top or bottom
    other: int  # index position of the event off screen
    label: str  # "Prepares: NATO Vilnius Summit"
    box: tuple[float, float, float, float]  # (x, y, width, height) of the clickable title
    titled: bool = True  # False: no room for the title without covering an event (a tooltip says it)


@dataclass
class LinkGeometry:
    """What the links of one frame draw."""

    arcs: list[Arc] = field(default_factory=list)
    frames: list[Containment] = field(default_factory=list)
    edges: list[EdgeEnd] = field(default_factory=list)

    def edge_at(self, x: float, y: float) -> EdgeEnd | None:
        """The off-screen end whose title or arrow is under (x, y) (plot coordinates)."""
        for edge in self.edges:
            bx, by, bw, bh = edge.box
            if bx <= x <= bx + bw and by <= y <= by + bh:
                return edge
        return None


def place_links(
    links: Sequence[int],
    link_from: Sequence[int],
    link_to: Sequence[int],
    labels: Sequence[str],
    anchor_of: Callable[[int], Anchor | None],
    on_screen: Callable[[int], Anchor | None],
    span_of: Callable[[int], tuple[float, float]],
    title_of: Callable[[int], str],
    text_width: Callable[[str], float],
    plot_width: float,
    text_height: float,
    top: float,
    bottom: float,
    is_free: Callable[[tuple[float, float, float, float]], bool] = lambda _box: True,
) -> LinkGeometry:
    """The arcs, frames and off-screen ends of ``links`` for one frame.

    ``on_screen(position)`` is the anchor of an event drawn one by one in the plot (None when
    it is not); ``anchor_of`` also gives a way-pointing anchor for events off screen;
    ``span_of`` the x extent of an event's time span (off screen too); ``is_free(box)`` says
    whether a title box would cover no event (else only the arrow head is the target).
    """
    geometry = LinkGeometry()
    framed: set[tuple[int, float]] = set()
    placed: list[tuple[float, float, float, float]] = []  # off-screen ends' boxes so far
    for link in links:
        source, target = int(link_from[link]), int(link_to[link])
        label = labels[link]
        shown_source, shown_target = on_screen(source), on_screen(target)
        if label == CONTAINMENT_LABEL and shown_source is not None:
            x0, x1 = span_of(target)
            left, right, y = shown_source
            x0, x1 = min(x0, left - 3), max(x1, right + 3)
            key = (target, y)
            if key not in framed:  # one frame per parent and row
                framed.add(key)
                geometry.frames.append(Containment(link, x0, x1, y))
            continue
        if shown_source is not None and shown_target is not None:
            geometry.arcs.append(Arc(link, shown_source, shown_target, label))
            continue
        shown, other, outward = (
            (shown_source, target, True) if shown_source is not None else (shown_target, source, False)
        )
        if shown is None:
            continue
        x0, x1 = span_of(other)
        text = f"{label if outward else _backward(label)}: {title_of(other)}"
        width = min(text_width(text), STUB_TEXT_PX) + 8
        height = text_height + 2
        if x1 < 0 or x0 > plot_width:  # before or after the visible time: to the left or right edge
            goes_right = x0 > plot_width
            tip_x, tip_y = (plot_width - EDGE_PX if goes_right else EDGE_PX), shown[2]
            if goes_right:
                box_x = max(tip_x - 10 - width, shown[1] + STUB_PX)
            else:
                box_x = min(tip_x + 10, shown[0] - STUB_PX - width)
            steps = (0, 1, -1, 2, -2)  # the row's height, down or up, when another end's title is there
            candidates = [(box_x, tip_y - height / 2 + step * (height + 1), width, height) for step in steps]
            compact = (tip_x - 16 if goes_right else tip_x, tip_y - 8, 16, 16)
        else:  # in a lane scrolled out of view: to the top or bottom edge, at the visible end
            way = anchor_of(other)
            goes_down = way is None or way[2] >= shown[2]
            tip_x = (shown[0] + shown[1]) / 2
            tip_y = bottom - EDGE_PX if goes_down else top + EDGE_PX
            box_y = tip_y - height - 6 if goes_down else tip_y + 6
            candidates = [(tip_x + 6 + step * (width + 4), box_y, width, height) for step in (0, -1, 1)]
            compact = (tip_x - 8, tip_y - 16 if goes_down else tip_y, 16, 16)
        box = next((c for c in candidates if is_free(c) and not _meets(c, placed)), None)
        titled = box is not None
        box = box if box is not None else compact  # the arrow head alone is the target
        placed.append(box)
        geometry.edges.append(EdgeEnd(link, shown, tip_x, tip_y, other, text, box, titled))
    return geometry


def _backward(label: str) -> str:
    """The relation seen from its target: "Prepares" → "Prepared by"."""
    for relation in Relation:
        if relation.forward_label == label:
            return relation.backward_label
    return label


def _meets(box: tuple[float, float, float, float], others: list[tuple[float, float, float, float]]) -> bool:
    x, y, w, h = box
    return any(x < ox + ow and ox < x + w and y < oy + oh and oy < y + h for ox, oy, ow, oh in others)

