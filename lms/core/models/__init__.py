"""Core models. Tables are prefixed `core_`."""
from lms.core.models.accounts import Grant, LoginAttempt, Role, User, UserSession
from lms.core.models.activation import ActivationCode, ActivationKind
from lms.core.models.audit import AuditEntry
from lms.core.models.files import StoredFile
from lms.core.models.org import Official, OfficialKind, School, Unit, UnitLevel
from lms.core.models.sso import SsoLink

__all__ = [
    "ActivationCode", "ActivationKind", "AuditEntry", "Grant", "LoginAttempt", "Official", "OfficialKind", "Role",
    "School", "SsoLink", "StoredFile", "Unit", "UnitLevel", "User", "UserSession",
]
