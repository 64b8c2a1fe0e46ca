"""`mtcheck fix`: the safe fixes applied to a file, and unified diffs of the result."""
