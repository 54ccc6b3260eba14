"""Core services: explicit inputs, domain errors, flush but never commit."""
