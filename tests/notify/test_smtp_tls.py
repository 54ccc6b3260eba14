"""STARTTLS and SMTP log-in against a real server with its own certificate (trusted via MAIL_CA_FILE)."""
import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lms.core.db import db
from lms.core.notifications import notify
from lms.core.notifications.outbox import MailServerDown, drain_outbox
from tests.notify.conftest import Inbox, free_port


def self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Accounts:
    def __init__(self):
        self.logins = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"lms", b"s3cret")
        self.logins.append((auth_data.login, ok))
        return AuthResult(success=ok)


@pytest.fixture
def tls_server(app, tmp_path):
    cert_path, key_path = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    inbox, accounts, port = Inbox(), Accounts(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            auth_required=True, authenticator=accounts)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=True, MAIL_USERNAME="lms",
                      MAIL_PASSWORD="s3cret", MAIL_CA_FILE=str(cert_path), MAIL_FROM="lms@sonha.example.vn",
                      MAIL_TIMEOUT_SECONDS=5)
    yield inbox, accounts
    controller.stop()


def test_starttls_and_login(app, make_user, tls_server):
    inbox, accounts = tls_server
    user = make_user("an@example.vn")
    notify(user.id, "core/welcome", {}, dedupe_key="tls")
    db.session.commit()
    assert drain_outbox().sent == 1
    assert len(inbox.messages) == 1 and accounts.logins == [(b"lms", True)]


def test_a_wrong_password_or_an_untrusted_certificate_sends_nothing_and_spends_no_attempt(app, make_user, tls_server):
    inbox, accounts = tls_server
    user = make_user("an@example.vn")
    notify(user.id, "core/welcome", {}, dedupe_key="tls")
    db.session.commit()
    app.config["MAIL_PASSWORD"] = "wrong"
    with pytest.raises(MailServerDown, match="cannot open a session"):
        drain_outbox()
    app.config.update(MAIL_PASSWORD="s3cret", MAIL_CA_FILE=None)  # the system store does not know this certificate
    with pytest.raises(MailServerDown, match="CERTIFICATE_VERIFY_FAILED"):
        drain_outbox()
    from lms.core.notifications.models import OutboxMessage
    assert db.session.scalar(db.select(OutboxMessage.attempts)) == 0
    assert inbox.messages == []
