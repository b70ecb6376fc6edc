"""The Textual application: the app, its screens, and the bridge from the feed to the widgets."""
