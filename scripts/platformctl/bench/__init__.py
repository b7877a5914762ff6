"""`make bench`: how plan time, the gate and the tools scale with the catalog (a benchmark, not a test)."""
