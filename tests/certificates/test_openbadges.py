"""Open Badges 3.0: the credential validates against the official schema and its proofs verify."""
from __future__ import annotations

import json

import jwt
import pytest
from jsonschema import Draft201909Validator

from lms.certificates import openbadges, signing
from lms.certificates.services import lifecycle
from lms.core.db import db
from tests.interop import INTEROP

OB3 = INTEROP / "credentials" / "ob3"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((OB3 / "achievementcredential.json").read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)


def test_the_schema_itself_accepts_its_own_example(validator):
    example = json.loads((OB3 / "simple.json").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(example)) == []
    broken = dict(example, type=["VerifiableCredential"])
    assert list(validator.iter_errors(broken))


def test_the_credential_validates_and_its_embedded_proof_verifies(issue_class, validator, login, app):
    setup, (cert,) = issue_class(names=("Nguyễn Thị Ngọc Hường",))
    user, _ = setup.learners[0]
    response = login(user).get(f"/certificates/{cert.id}/badge.json")
    assert response.status_code == 200 and response.mimetype == "application/vc+ld+json"
    assert ".openbadge.json" in response.headers["Content-Disposition"]
    credential = json.loads(response.get_data(as_text=True))
    assert list(validator.iter_errors(credential)) == [], [e.message for e in validator.iter_errors(credential)]
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Nguyễn Thị Ngọc Hường"
    assert subject["achievement"]["achievementType"] == "CertificateOfCompletion"
    assert subject["licenseNumber"] == cert.serial
    assert credential["id"].endswith(f"/verify/{cert.verification_code}")
    proof = credential["proof"][0]
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == ("DataIntegrityProof", "eddsa-jcs-2022",
                                                                            "assertionMethod")
    assert proof["verificationMethod"].endswith("#" + openbadges.multikey(cert.key.public_key))
    assert openbadges.verify_proof(credential, cert.key.public_key)
    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["achievement"]["name"] = "Khóa học khác"
    assert not openbadges.verify_proof(tampered, cert.key.public_key)
    assert not openbadges.verify_proof(credential, signing.new_key(cert.school_id).public_key)


def test_the_vc_jwt_verifies_with_a_standard_library(issue_class, validator, login, client, school):
    setup, (cert,) = issue_class(names=("Đặng Quốc Bảo",), rule_kw={"validity_months": 24})
    user, _ = setup.learners[0]
    token = login(user).get(f"/certificates/{cert.id}/badge.jwt").get_data(as_text=True)
    published = client.get(f"/verify/keys/{school.code}").get_json()["keys"][0]
    key = jwt.PyJWK(published)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], options={"verify_exp": False})
    assert claims["jti"].endswith(cert.verification_code) and claims["iss"].endswith(f"/verify/keys/{school.code}")
    assert claims["validUntil"].startswith(cert.expires_on.isoformat())
    assert list(validator.iter_errors(claims)) == []
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key.key, algorithms=["EdDSA"], options={"verify_exp": False})


def test_base58_round_trips():
    for data in (b"", b"\0\0\x01", bytes(range(40))):
        assert openbadges.base58btc_decode(openbadges.base58btc(data)) == data


def test_no_badge_for_a_revoked_certificate(issue_class, login):
    setup, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    lifecycle.revoke(cert, ground="fraud", note="Gian lận", actor_id=None)
    db.session.commit()
    user, _ = setup.learners[0]
    client = login(user)
    assert client.get(f"/certificates/{cert.id}/badge.json").status_code == 410
    assert client.get(f"/certificates/{cert.id}/pdf").status_code == 410
