"""Writing files safely (atomic writes, hard links) and work done by a forked process beside the build
(a leaf: imports nothing of the package)."""
