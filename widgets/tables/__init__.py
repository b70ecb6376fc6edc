"""The table building blocks: the state tables (keyed DataTable rows) and the Line API table, their cells and keys."""
