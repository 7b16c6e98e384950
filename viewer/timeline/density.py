"""The aggregated level of detail: per-lane event counts by pixel column (pure, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STRIP_BIN_PX = 3  # resolution of the density strip
CELL_PX = 60  # width of a clickable cluster cell with its count


@dataclass(frozen=True, slots=True)
class Density:
    """Counts of one lane's visible events: fine bins for the strip, coarse cells for counts."""

    bins: np.ndarray  # counts per STRIP_BIN_PX column
    cells: np.ndarray  # counts per CELL_PX cell

    @property
    def total(self) -> int:
        """Events counted."""
        return int(self.cells.sum())


def is_crowded(event_count: int, plot_width: float) -> bool:
    """True when a lane holds more events than it can show one by one (the switch to density).

    Three rows of labels about 120 px long hold some 3 * width / 120 events; past a third
    more than that most would be unlabelled marks, and a density strip reads better.
    """
    return event_count > max(8.0, plot_width / 30.0)


def lane_density(sorted_starts: np.ndarray, axis_start: float, seconds_per_pixel: float, plot_width: float) -> Density:
    """Count a lane's events by the pixel column where they start.

    ``sorted_starts`` are the start instants of the lane's events (those passing the filter),
    sorted. Each count is a difference of two binary searches, so a frame costs the same
    whether the lane holds a hundred events or a million.
    """
    width = max(int(plot_width), 1)
    n_bins = -(-width // STRIP_BIN_PX)
    n_cells = -(-width // CELL_PX)
    bin_edges = axis_start + np.arange(n_bins + 1) * (STRIP_BIN_PX * seconds_per_pixel)
    cell_edges = axis_start + np.arange(n_cells + 1) * (CELL_PX * seconds_per_pixel)
    bins = np.diff(np.searchsorted(sorted_starts, bin_edges, side="left"))
    cells = np.diff(np.searchsorted(sorted_starts, cell_edges, side="left"))
    return Density(bins, cells)


def strip_alpha(bins: np.ndarray) -> np.ndarray:
    """Opacity 0..255 per bin on a log scale, so one event stays visible next to thousands."""
    if bins.size == 0 or bins.max() == 0:
        return np.zeros(bins.size, dtype=np.uint8)
    scaled = np.log1p(bins) / np.log1p(bins.max())
    alpha = np.where(bins > 0, 70 + scaled * 185, 0)
    return alpha.astype(np.uint8)
