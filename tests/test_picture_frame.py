"""The frame of an exported picture: title, dates, sources and data file, in PNG, SVG and PDF alike,
read back with independent readers (QImage, xml.etree, poppler's pdftotext)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from viewer.export import image_export
from viewer.export.formats import selected_filter
from viewer.export.picture_frame import (
    MAX_PUBLISHERS,
    PictureCaption,
    caption_from_events,
    picture_caption,
    publishers,
    sources_line,
    wrapped,
)
from viewer.store.dates import PartialDate, Precision
from viewer.store.errors import ExportError
from viewer.store.filters import EventFilter
from viewer.store.model import Event, Source
from viewer.store.reader import EventStore

ASKED = EventFilter.build(ids=["dmm-2023-06"])
TITLE = "Meeting of NATO Defence Ministers, June 2023"
DATES = "14 February – 12 October 2023"


@pytest.fixture(scope="module")
def chain(sample_db: Path):
    """The June chain's timeline data and its caption, as the export makes them."""
    from viewer.timeline_source import load_timeline_data

    with EventStore(sample_db) as store:
        chosen = selected_filter(store, ASKED, True)
        caption = picture_caption(store, chosen, asked=ASKED)
        data = load_timeline_data(store)
        positions = [data.position_of(event_id) for event_id in store.event_ids(chosen)]
    return data.subset(np.array(positions, dtype=np.int64)), caption


def _draw(chain, fmt: str, **options) -> bytes:
    data, caption = chain
    stream = io.BytesIO()
    image_export.write_image(data, fmt, stream, caption=caption, **options)
    return stream.getvalue()


def _svg_texts(svg: bytes) -> list[str]:
    return [(element.text or "").strip() for element in ET.fromstring(svg).iter() if element.tag.endswith("text")]


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    path = tmp_path / "picture.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_caption_of_the_june_chain(chain) -> None:
    _data, caption = chain
    assert caption.title == TITLE  # the one event asked for names the picture
    assert caption.dates == DATES
    names = [name for name, _count in caption.sources]
    assert names[0] == "NATO" and "U.S. Department of Defense" in names
    counts = [count for _name, count in caption.sources]
    assert counts == sorted(counts, reverse=True)  # most cited first
    assert caption.sources_text.startswith("Sources: NATO, ")
    assert caption.data_text == "Data: sample.db"


def test_the_title_falls_back_to_the_dataset_then_to_timeline(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        everything = EventFilter.build(kinds=["summit"])
        assert picture_caption(store, everything, name="My chosen events").title == "My chosen events"
        assert picture_caption(store, everything, asked=everything).title == store.name()
    events = [_event("a", "x")]
    assert caption_from_events(events).title == "Timeline"
    assert caption_from_events(events, title=" \x00 ").title == "Timeline"


def test_png_is_drawn_at_twice_the_density_with_the_width_in_logical_pixels(chain) -> None:
    from PySide6.QtGui import QImage

    image = QImage.fromData(_draw(chain, "png", width=1200), "PNG")
    assert image.width() == 2400 and image.height() % 2 == 0 and image.height() > 800
    slide = QImage.fromData(_draw(chain, "png", size="slide"), "PNG")
    assert (slide.width(), slide.height()) == (3840, 2160)  # 1920 × 1080 logical, at 2×
    a4 = QImage.fromData(_draw(chain, "png", size="a4"), "PNG")
    assert (a4.width(), a4.height()) == (2246, 1588)  # 297 × 210 mm at 96 px/in, at 2×
    single = QImage.fromData(_draw(chain, "png", width=800, density=1.0), "PNG")
    assert single.width() == 800


@pytest.mark.parametrize("size", [None, "slide", "a4"])
def test_svg_holds_the_title_the_dates_and_the_caption_as_text(chain, size) -> None:
    svg = _draw(chain, "svg", width=1200, size=size)
    texts = _svg_texts(svg)
    assert TITLE in texts and DATES in texts
    caption = [text for text in texts if text.startswith("Sources: ")]
    assert caption and "NATO" in caption[0]
    assert "Data: sample.db" in texts
    assert "NATO Vilnius Summit" in texts  # the timeline is still there
    box = ET.fromstring(svg).get("viewBox", "").split()
    if size == "slide":
        assert box == ["0", "0", "1920", "1080"]
    elif size is None:
        assert box[2] == "1200"
    ys: dict[str, float] = {}  # the first drawn of each text (the title is an event's title too)
    for element in ET.fromstring(svg).iter():
        if element.tag.endswith("text"):
            ys.setdefault((element.text or "").strip(), float(element.get("y", "nan")))
    assert ys[TITLE] < ys[DATES] < ys[caption[0]] < ys["Data: sample.db"]  # the title on top, the caption below


def test_pdf_holds_the_title_the_dates_and_the_caption_as_text(chain, tmp_path: Path) -> None:
    pdf = _draw(chain, "pdf", width=1200)
    text = _pdf_text(pdf, tmp_path)
    assert TITLE in text and DATES in text and "Sources: NATO, " in text and "Data: sample.db" in text
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box and float(box.group(1)) == pytest.approx(1200, abs=1)
    a4 = _draw(chain, "pdf", size="a4")
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", a4)
    assert box and (float(box.group(1)), float(box.group(2))) == (pytest.approx(841.9, abs=1),
                                                                  pytest.approx(595.3, abs=1))
    assert TITLE in _pdf_text(a4, tmp_path) and "Sources: " in _pdf_text(a4, tmp_path)


def test_publishers_most_cited_first_with_url_hosts_when_none_is_named() -> None:
    events = [
        _event("a", "A", Source("https://www.nato.int/x", publisher="NATO"), Source("https://www.defense.gov/y")),
        _event("b", "B", Source("https://www.nato.int/z", publisher="nato"), Source(None, publisher="Reuters")),
        _event("c", "C", Source("javascript:alert(1)"), Source("https://www.defense.gov/w"), Source(None)),
    ]
    assert publishers(events) == (("defense.gov", 2), ("NATO", 2), ("Reuters", 1))  # ties by name
    caption = caption_from_events(events, data_file="/somewhere/nato-june-2023.db")
    assert caption.sources_text == "Sources: defense.gov, NATO and Reuters"
    assert caption.data_text == "Data: nato-june-2023.db"
    assert caption.dates == "15 June – 12 July 2023"


def test_the_sources_line_is_bounded() -> None:
    assert sources_line([], 0) == ""
    assert sources_line(["NATO"], 1) == "Sources: NATO"
    assert sources_line(["NATO", "DoD"], 5) == "Sources: NATO, DoD and 3 more"
    many = tuple((f"Publisher number {number}", 1) for number in range(40))
    caption = PictureCaption(title="t", sources=many)
    lines = _frame_lines(caption, 600)
    joined = " ".join(lines)
    assert joined.startswith("Sources: Publisher number 0") and re.search(r"and \d+ more$", joined)
    assert joined.count("Publisher number") <= MAX_PUBLISHERS and len(lines) <= 2


def test_a_long_title_takes_two_lines_at_most(qapp) -> None:
    from PySide6.QtGui import QFont

    lines = wrapped("word " * 5000, QFont(), 400, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert wrapped("Short", QFont(), 400, 2) == ["Short"]
    assert wrapped("", QFont(), 400, 2) == []
    assert len(wrapped("x" * 10_000, QFont(), 300, 2)) == 2  # a word longer than a line is broken


def test_sizes() -> None:
    assert image_export.picture_size("slide").width == 1920 and image_export.picture_size("slide").height == 1080
    assert image_export.picture_size("A4").width == 1123 and image_export.picture_size("a4").height == 794
    assert image_export.picture_size("1200").width == 1200 and image_export.picture_size(900).height is None
    assert image_export.picture_size(None).width is None
    with pytest.raises(ExportError, match="unknown picture size"):
        image_export.picture_size("letter")


def _frame_lines(caption: PictureCaption, width: int) -> list[str]:
    from PySide6.QtGui import QFont

    from viewer.export.picture_frame import MARGIN, fitted_sources

    return fitted_sources(caption.sources, QFont(), width - 2 * MARGIN)


def _event(event_id: str, title: str, *sources: Source) -> Event:
    start = PartialDate(2023, 6, 15, precision=Precision.DAY) if event_id == "a" else \
        PartialDate(2023, 7, 12, precision=Precision.DAY)
    return Event(event_id, title, start, sources=sources)


def test_the_command_line_frames_the_picture_with_a_title_and_a_size(sample_db, tmp_path) -> None:
    from PySide6.QtGui import QImage

    from viewer.cli import main

    target = tmp_path / "slide.png"
    assert main(["export", str(sample_db), "--format", "png", "--id", "dmm-2023-06", "--with-linked",
                 "--size", "slide", "--title", "From Brussels to Vilnius", "-o", str(target)]) == 0
    image = QImage(str(target))
    assert (image.width(), image.height()) == (3840, 2160)  # 1920 × 1080 at twice the density
    svg = tmp_path / "chain.svg"
    assert main(["export", str(sample_db), "--format", "svg", "--id", "dmm-2023-06", "--with-linked",
                 "--title", "From Brussels to Vilnius", "-o", str(svg)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert "From Brussels to Vilnius" in text and "Sources: NATO" in text and "Data: sample.db" in text
