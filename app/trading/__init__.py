"""Trading: the order ticket and its maths, the rails, the audit log and the order service (no Textual)."""
