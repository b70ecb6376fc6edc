"""The alert rules, the alerts fired, and the pane that holds them."""
