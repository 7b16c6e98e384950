"""The painted timeline: pure geometry (axis, ticks, lanes, density) and the Qt widget that draws it."""
