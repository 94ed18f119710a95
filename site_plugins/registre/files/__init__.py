"""Writing files safely: atomic writes and hard links (a leaf: imports nothing of the package)."""
