"""Settings of notifications and e-mail, with their defaults (override in LMS_SETTINGS or LMS_*)."""

DEFAULTS = {
    # SMTP (smtplib from the standard library). MAIL_USE_TLS is STARTTLS on a plain port (587);
    # MAIL_USE_SSL is TLS from the first byte (465). No MAIL_SERVER: mail waits in the outbox.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "lms@localhost",
    "MAIL_TIMEOUT_SECONDS": 30,
    "MAIL_CA_FILE": None,  # a CA bundle to trust besides the system's (a school's own mail server)
    # The outbox job: messages per run, attempts before a message is marked failed, backoff
    # (first retry after MAIL_RETRY_BASE_SECONDS, doubling, at most MAIL_RETRY_MAX_SECONDS).
    "MAIL_BATCH_SIZE": 100,
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_RETRY_BASE_SECONDS": 60,
    "MAIL_RETRY_MAX_SECONDS": 6 * 3600,
    "MAIL_DRAIN_SECONDS": 30,
    "MAIL_KEEP_SENT_DAYS": 30,  # sent mail is purged after this; failed mail stays until handled
    # Password reset: how long a link works, and requests allowed per window (per account and address).
    "PASSWORD_RESET_TTL_SECONDS": 3600,
    "PASSWORD_RESET_WINDOW_SECONDS": 3600,
    "PASSWORD_RESET_MAX_PER_ACCOUNT": 3,
    "PASSWORD_RESET_MAX_PER_ADDRESS": 20,
}
