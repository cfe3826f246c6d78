"""Authenticated encryption of residents' personal data at rest (AES-256-GCM).

Keys come from the environment: MAMORI_DATA_KEYS is a comma-separated list of
``key-id:base64-key`` (32 random bytes each, `mamori data_key` prints a new one). The first
key encrypts; every listed key decrypts, so a city rotates by putting a new key first, running
`mamori rotate_keys`, and then dropping the old key. Without the setting (and only with DEBUG
on) settings.py derives a development key from the local SECRET_KEY.

A stored value reads ``v1.<key-id>.<base64(nonce || ciphertext || tag)>``. The field's name
is bound to the ciphertext as associated data, so a value copied into another column (a name
into the notes) does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionFailed(Exception):
    """A stored value could not be decrypted: unknown key id, tampering or a wrong column."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]

    def current(self) -> tuple[str, AESGCM]:
        return self.current_id, AESGCM(self.keys[self.current_id])


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_keys(spec: str) -> Keyring:
    """Read ``id:key,id:key``; refuse malformed ids, keys of the wrong length, duplicates."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in (item.strip() for item in spec.split(",")):
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        if not sep or not (key_id.isascii() and key_id.isalnum()) or len(key_id) > 16:
            raise ImproperlyConfigured(
                "MAMORI_DATA_KEYS: each entry is 'id:base64key' with a short id of ASCII "
                "letters and digits."
            )
        try:
            key = _b64decode(encoded.strip())
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured(f"MAMORI_DATA_KEYS: key {key_id} is not base64.") from error
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(f"MAMORI_DATA_KEYS: key {key_id} must be 32 bytes.")
        # Ids differing only in case would confuse case-insensitive database matching.
        if key_id.casefold() in {known.casefold() for known in keys}:
            raise ImproperlyConfigured(f"MAMORI_DATA_KEYS: key id {key_id} is listed twice.")
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("MAMORI_DATA_KEYS lists no key.")
    return Keyring(current_id=order[0], keys=keys)


@cache
def _keyring_for(spec: str) -> Keyring:
    return parse_keys(spec)


def keyring() -> Keyring:
    """The keys in force (read from settings, so tests can override them)."""
    return _keyring_for(settings.MAMORI_DATA_KEYS)


def new_key() -> str:
    """A fresh key, base64 encoded, for MAMORI_DATA_KEYS."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt text under the current key, bound to `context` (the column it belongs to)."""
    key_id, aead = keyring().current()
    nonce = os.urandom(NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode(), context.encode())
    return f"{VERSION}.{key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    """The id of the key a stored value was encrypted with."""
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionFailed("not an encrypted value")
    return parts[1]


def decrypt(token: str, *, context: str) -> str:
    """Decrypt a stored value; any failure raises DecryptionFailed (never returns garbage)."""
    key_id = key_id_of(token)
    ring = keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionFailed(f"key {key_id} is not configured")
    try:
        raw = _b64decode(token.split(".", 2)[2])
        opened = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except Exception as error:  # InvalidTag, bad base64, short input
        raise DecryptionFailed("the value does not decrypt") from error
    return opened.decode()


def needs_rotation(token: str) -> bool:
    """Whether a stored value was encrypted with a key other than the current one."""
    return key_id_of(token) != keyring().current_id
