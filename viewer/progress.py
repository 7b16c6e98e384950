"""How long work reports how far it has come, to a terminal line or the window's progress bar."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``: ``done`` of ``total`` units of the stage (a total
of 0 when how far is not known: the work is busy). Raising from it stops the work."""
