"""The feed's health: the status bar, the feed pane, subscriptions, integrity and the lifecycle log."""
