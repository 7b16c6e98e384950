"""The Qt user interface: windows, panes and dialogs wiring the store to the timeline."""
