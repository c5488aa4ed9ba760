"""Signatures between installations, without a database."""

import base64

from remedy.federation import crypto


def test_a_signature_covers_body_timestamp_nonce_and_key():
    private, public = crypto.new_key_pair()
    body = b'{"kind":"referral.offer"}'
    signature = crypto.sign(private, public, 1_800_000_000, "a" * 32, body)
    assert crypto.verify(public, signature, 1_800_000_000, "a" * 32, body)
    assert not crypto.verify(public, signature, 1_800_000_000, "a" * 32, body + b" ")
    assert not crypto.verify(public, signature, 1_800_000_001, "a" * 32, body)
    assert not crypto.verify(public, signature, 1_800_000_000, "b" * 32, body)
    _, other_public = crypto.new_key_pair()
    assert not crypto.verify(other_public, signature, 1_800_000_000, "a" * 32, body)


def test_keys_have_stable_short_ids_and_pem_is_accepted():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    _, public = crypto.new_key_pair()
    pem = Ed25519PublicKey.from_public_bytes(base64.b64decode(public)).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert crypto.normalise_public_key(pem) == public
    assert crypto.key_id(public) == crypto.key_id(pem) and len(crypto.key_id(public)) == 16
    for bad in ("", "not base64!", base64.b64encode(b"short").decode(), "-----BEGIN nonsense"):
        assert crypto.normalise_public_key(bad) is None
    assert not crypto.verify("garbage", "AAAA", 1, "n" * 16, b"")


def test_stale_timestamps_are_refused():
    assert crypto.fresh(1000, 1000 + crypto.MAX_CLOCK_SKEW)
    assert not crypto.fresh(1000, 1001 + crypto.MAX_CLOCK_SKEW)
    assert not crypto.fresh(1000 + crypto.MAX_CLOCK_SKEW + 1, 1000)
