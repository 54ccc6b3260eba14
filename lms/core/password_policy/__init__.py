"""The one password policy, applied wherever a password is set (change, reset, admin, CLI, activation).

At least MIN_LENGTH characters, not a common password, and not the person's own employee code,
e-mail (or the part before the @) or name, with or without digits and symbols around it. The
comparisons are made folded: case and diacritics do not make "Nguyễn Văn An" a different password.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from lms.core.errors import DomainError
from lms.core.password_policy.common import MIN_LENGTH, common_passwords
from lms.core.text import fold

_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]")
_LETTER = re.compile(r"[a-z]")


class WeakPassword(DomainError):
    """The password breaks the policy; the message says which rule."""


def _personal_words(user) -> list[str]:
    email = (user.email or "").strip()
    words = [user.login_code, email, email.partition("@")[0], user.display_name]
    official = user.official if user.official_id else None
    if official is not None:
        words += [official.employee_code, official.full_name]
    folded = (_NOT_LETTER_OR_DIGIT.sub("", fold(w)) for w in words if w)
    return [w for w in folded if len(w) >= 3]


def _bare(password: str) -> str:
    return _NOT_LETTER_OR_DIGIT.sub("", fold(password))


def _is_personal(password: str, user) -> bool:
    """The password is one of the person's words, give or take digits, spaces and symbols around it."""
    bare = _bare(password)
    return any(word in bare and not _LETTER.search(bare.replace(word, "", 1)) for word in _personal_words(user))


def check_password(password: str, *, user) -> None:
    """Raise WeakPassword unless `password` may be `user`'s new password."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(_l("The password must have at least %(n)s characters."), n=MIN_LENGTH)
    common = common_passwords()
    if fold(password) in common or _bare(password) in common:
        raise WeakPassword(_l("This password is too common and easy to guess. Choose another."))
    if _is_personal(password, user):
        raise WeakPassword(_l("The password must not be your employee code, e-mail or name."))
