"""The certificates domain: eligibility, issuing, printing, verifying, revoking, renewing.

Services take explicit inputs, raise DomainError with translatable messages, flush and never commit.
"""
