"""Writers that turn a set of events into files; only the image writer uses Qt."""
