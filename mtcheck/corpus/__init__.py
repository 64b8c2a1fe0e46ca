"""The reference-corpus index: each checked sentence's closest sentence in published copy."""
