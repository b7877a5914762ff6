"""`make test` as lanes of gates that run side by side (wait-bound e2e next to CPU-bound checks)."""
