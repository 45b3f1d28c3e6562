"""One call: prepared, checked, its hand-written result classes."""
