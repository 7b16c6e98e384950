"""The time axis: mapping between instants and pixels, with zoom and pan limits (pure, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_VISIBLE_SECONDS = 10 * 60  # zoomed all the way in: ten minutes across the plot
MAX_VISIBLE_SECONDS = 10_000 * 365.2425 * 86_400  # nothing is wider than the calendar
FIT_MARGIN = 0.04  # fraction of the width left empty on each side by "fit"
CENTRE_SLACK = 0.1  # how far (a fraction of the view) the view's centre may pass the data's ends


@dataclass
class TimeAxis:
    """Maps instants (seconds since the epoch) to x pixels in a plot ``width`` pixels wide.

    ``bounds`` is the span of the data: zooming out stops at a few times its width and
    panning keeps part of it in view, so the user cannot get lost in empty time.
    """

    start: float = 0.0
    seconds_per_pixel: float = 86_400.0
    width: float = 1000.0
    bounds: tuple[float, float] | None = None

    # ------------------------------------------------------------------ mapping

    @property
    def end(self) -> float:
        """The instant at the right edge."""
        return self.start + self.width * self.seconds_per_pixel

    @property
    def visible_seconds(self) -> float:
        """How much time the plot shows."""
        return self.width * self.seconds_per_pixel

    def x_of(self, instant: float) -> float:
        """The x pixel of an instant (may fall outside the plot)."""
        return (instant - self.start) / self.seconds_per_pixel

    def xs_of(self, instants: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`x_of` (float64)."""
        return (instants.astype(np.float64) - self.start) / self.seconds_per_pixel

    def instant_at(self, x: float) -> float:
        """The instant under pixel ``x``."""
        return self.start + x * self.seconds_per_pixel

    # ------------------------------------------------------------------ changes

    def resize(self, width: float) -> None:
        """Change the plot width, keeping the centre instant."""
        centre = self.instant_at(self.width / 2)
        self.width = max(1.0, float(width))
        self.start = centre - self.width / 2 * self.seconds_per_pixel
        self._clamp()

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom by ``factor`` (>1 zooms in) keeping the instant under ``anchor_x`` fixed."""
        anchor_x = self.width / 2 if anchor_x is None else anchor_x
        anchor = self.instant_at(anchor_x)
        self.seconds_per_pixel = self._clamped_scale(self.seconds_per_pixel / factor)
        self.start = anchor - anchor_x * self.seconds_per_pixel
        self._clamp()

    def pan_pixels(self, dx: float) -> None:
        """Move the view by ``dx`` pixels (positive shows later time)."""
        self.start += dx * self.seconds_per_pixel
        self._clamp()

    def show_range(self, start: float, end: float, margin: float = FIT_MARGIN) -> None:
        """Fit [start, end] in the plot with a small margin on each side."""
        span = max(float(end - start), MIN_VISIBLE_SECONDS * (1 - 2 * margin))
        self.seconds_per_pixel = self._clamped_scale(span / (self.width * (1 - 2 * margin)))
        centre = (start + end) / 2
        self.start = centre - self.width / 2 * self.seconds_per_pixel
        self._clamp()

    def show_range_with_room(self, start: float, end: float, left_px: float, right_px: float) -> None:
        """Fit [start, end] leaving ``left_px`` and ``right_px`` empty (room for labels).

        The data keeps at least two fifths of the width however much room is asked for.
        """
        room = min(left_px + right_px, self.width * 0.6)
        scale = room / (left_px + right_px) if left_px + right_px > 0 else 1.0
        left_px, usable = left_px * scale, self.width - room
        span = max(float(end - start), MIN_VISIBLE_SECONDS / 2)
        self.seconds_per_pixel = self._clamped_scale(span / usable)
        if self.seconds_per_pixel * usable < span * 0.9999:  # no zooming out that far: the data first
            self.show_range(start, end)
            return
        self.start = start - left_px * self.seconds_per_pixel
        if self.seconds_per_pixel * usable > span * 1.0001:  # a short span, at the closest zoom
            self.start = (start + end) / 2 - (left_px + usable / 2) * self.seconds_per_pixel
        self._clamp()

    def centre_on(self, instant: float) -> None:
        """Scroll so that ``instant`` is in the middle, keeping the zoom."""
        self.start = instant - self.width / 2 * self.seconds_per_pixel
        self._clamp()

    def fit_all(self) -> None:
        """Show the whole of ``bounds`` (or one year around now when there is no data)."""
        if self.bounds is None:
            return
        self.show_range(*self.bounds)

    # ------------------------------------------------------------------ limits

    def _max_visible(self) -> float:
        if self.bounds is None:
            return MAX_VISIBLE_SECONDS
        data_span = max(self.bounds[1] - self.bounds[0], 86_400.0)
        return min(MAX_VISIBLE_SECONDS, max(data_span * 4, 30 * 86_400.0))

    def _clamped_scale(self, seconds_per_pixel: float) -> float:
        low = MIN_VISIBLE_SECONDS / self.width
        high = self._max_visible() / self.width
        return float(min(max(seconds_per_pixel, low), high))

    def start_limits(self) -> tuple[float, float] | None:
        """The first and last ``start`` the view may have (None without data).

        The centre of the view stays within the span of the data, give or take a tenth of
        the view (the room a fit leaves for the last event's label).
        """
        if self.bounds is None:
            return None
        half, slack = self.visible_seconds / 2, self.visible_seconds * CENTRE_SLACK
        return self.bounds[0] - half - slack, self.bounds[1] - half + slack

    def _clamp(self) -> None:
        """Keep data in view (see :meth:`start_limits`)."""
        limits = self.start_limits()
        if limits is not None:
            self.start = float(min(max(self.start, limits[0]), limits[1]))


def with_margin(start: float, end: float, margin: float = FIT_MARGIN) -> tuple[float, float]:
    """The range that :meth:`TimeAxis.show_range` shows for [start, end] with ``margin``, as a plain range."""
    pad = (end - start) * margin / (1 - 2 * margin)
    return start - pad, end + pad
