"""Sealed-box keypairs: the forge holds one per repo and per environment, like GitHub does for Actions secrets."""

from __future__ import annotations

import base64
import hashlib

from nacl import public
from nacl.exceptions import CryptoError


def new_keypair() -> dict[str, str]:
    """A fresh Curve25519 keypair as stored in the state: ``key_id``, public ``key`` and ``private`` (base64)."""
    private = public.PrivateKey.generate()
    key = base64.b64encode(bytes(private.public_key)).decode()
    key_id = str(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % 10**19)
    return {"key_id": key_id, "key": key, "private": base64.b64encode(bytes(private)).decode()}


def unseal(keypair: dict[str, str], encrypted_value: str) -> str | None:
    """The plaintext of a libsodium sealed box made with ``keypair``'s public key, or None when it does not open."""
    try:
        box = public.SealedBox(public.PrivateKey(base64.b64decode(keypair["private"])))
        return box.decrypt(base64.b64decode(encrypted_value)).decode()
    except (CryptoError, ValueError, TypeError):
        return None
