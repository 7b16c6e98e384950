"""What the window shows, without widgets: the view state, the selection and the navigation history."""
