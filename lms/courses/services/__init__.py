"""The courses plugin's domain services: explicit inputs, flush never commit, DomainError for users."""
