"""The signed handshake: load an RSA private key and sign Kalshi's access headers.

Kalshi signs ``timestamp_ms + METHOD + path_without_query`` with RSA-PSS (SHA-256, MGF1 SHA-256,
salt length = digest length) and sends it base64-encoded with the key id and the timestamp.

Errors are :class:`AuthError` with one line fit for a user; no key material, passphrase or path
contents ever appear in a message or a ``repr``.
"""

from __future__ import annotations

import base64
import logging
import os
import stat
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.core.small_files import FileRefused, read_small_file

WS_PATH = "/trade-api/ws/v2"
ENV_KEY_ID = "KALSHI_API_KEY_ID"
ENV_KEY_PATH = "KALSHI_PRIVATE_KEY_PATH"
ENV_PASSPHRASE = "KALSHI_PRIVATE_KEY_PASSPHRASE"

HEADER_KEY = "KALSHI-ACCESS-KEY"
HEADER_TIMESTAMP = "KALSHI-ACCESS-TIMESTAMP"
HEADER_SIGNATURE = "KALSHI-ACCESS-SIGNATURE"

# How an encrypted PEM says so: PKCS#8's own header, or PKCS#1's (OpenSSL "traditional") Proc-Type.
_ENCRYPTED_MARKERS = (b"-----BEGIN ENCRYPTED PRIVATE KEY-----", b"Proc-Type: 4,ENCRYPTED")

PSS_PADDING = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
REDACTED = "<redacted>"


class _RedactSignedHeaders(logging.Filter):
    """Hides the signature and timestamp headers that ``websockets`` logs at debug level.

    ``websockets`` logs every handshake header as ``("> %s: %s", name, value)`` (client) and
    ``("< %s: %s", ...)`` (server); the value of ours is replaced before anything formats it.
    """

    SECRET = frozenset({HEADER_SIGNATURE.lower(), HEADER_TIMESTAMP.lower()})

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 2 and str(args[0]).lower() in self.SECRET:
            record.args = (args[0], REDACTED, *args[2:])
        return True


for _name in ("websockets.client", "websockets.server"):
    logging.getLogger(_name).addFilter(_RedactSignedHeaders())


class AuthError(Exception):
    """A key that cannot be used, with a one-line explanation for the user."""


class KeyPermissionWarning(UserWarning):
    """The private key file can be read by group or others."""


def signed_text(timestamp_ms: str, method: str, path: str) -> bytes:
    """The exact bytes Kalshi expects signed: timestamp, method, path without its query."""
    return (timestamp_ms + method.upper() + path.split("?", 1)[0]).encode("utf-8")


def sign(private_key: rsa.RSAPrivateKey, timestamp_ms: str, method: str, path: str) -> str:
    """Base64 RSA-PSS signature of :func:`signed_text`."""
    signature = private_key.sign(signed_text(timestamp_ms, method, path), PSS_PADDING, hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def verify(public_key: rsa.RSAPublicKey, signature_b64: str, timestamp_ms: str, method: str, path: str) -> bool:
    """True when ``signature_b64`` is a valid signature of the request by ``public_key``."""
    try:
        public_key.verify(
            base64.b64decode(signature_b64, validate=True),
            signed_text(timestamp_ms, method, path),
            PSS_PADDING,
            hashes.SHA256(),
        )
    except Exception:  # bad base64, wrong key, tampered text: all simply "not valid"
        return False
    return True


def load_private_key(path: str | os.PathLike[str], passphrase: str | bytes | None = None) -> rsa.RSAPrivateKey:
    """Load an RSA private key from a PEM file (PKCS#1 or PKCS#8, optionally encrypted).

    Warns with :class:`KeyPermissionWarning` when the file is readable by group or others.
    """
    key_path = Path(path).expanduser()
    try:
        data = read_small_file(key_path)
    except FileNotFoundError:
        raise AuthError(f"private key file not found: {key_path}; check --private-key "
                        f"(or ${ENV_KEY_PATH})") from None
    except FileRefused as exc:
        raise AuthError(f"cannot use private key file {key_path}: {exc}; check --private-key "
                        f"(or ${ENV_KEY_PATH})") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise AuthError(f"cannot read private key file {key_path}: {reason}; it must be a file you "
                        "can read (chmod 600, owned by you)") from None
    _warn_if_exposed(key_path)
    if b"-----BEGIN" not in data:
        raise AuthError(f"{key_path} is not a PEM file (expected '-----BEGIN ... PRIVATE KEY-----')")
    encrypted = any(marker in data for marker in _ENCRYPTED_MARKERS)
    password = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    if encrypted and not password:
        raise AuthError(f"{key_path} is encrypted: set {ENV_PASSPHRASE} or pass the passphrase")
    if not encrypted and password:
        raise AuthError(f"{key_path} is not encrypted, but a passphrase was given")
    try:
        key = serialization.load_pem_private_key(data, password=password if encrypted else None)
    except (TypeError, ValueError, UnsupportedAlgorithm):
        if encrypted:
            raise AuthError(f"wrong passphrase for {key_path}: check ${ENV_PASSPHRASE}") from None
        raise AuthError(f"{key_path} does not hold a readable PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        kind = type(key).__name__.removesuffix("PrivateKey").lstrip("_") or "non-RSA"
        raise AuthError(f"{key_path} is not an RSA key ({kind} key found); Kalshi API keys are RSA")
    return key


def _warn_if_exposed(key_path: Path) -> None:
    try:
        mode = key_path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.warn(
            f"private key {key_path} is readable by group or others; run: chmod 600 {key_path}",
            KeyPermissionWarning,
            stacklevel=3,
        )


@dataclass(repr=False)
class Credentials:
    """A key id and its loaded private key; signs handshake headers with a fresh timestamp."""

    key_id: str
    private_key: rsa.RSAPrivateKey = field(compare=False)

    @classmethod
    def load(
        cls,
        key_id: str | None = None,
        key_path: str | os.PathLike[str] | None = None,
        passphrase: str | None = None,
    ) -> Credentials:
        """Credentials from arguments, falling back to the ``KALSHI_*`` environment variables."""
        key_id = key_id or os.environ.get(ENV_KEY_ID)
        key_path = key_path or os.environ.get(ENV_KEY_PATH)
        if passphrase is None:
            passphrase = os.environ.get(ENV_PASSPHRASE) or None
        if not key_id:
            raise AuthError(f"no API key id: pass --key-id or set {ENV_KEY_ID}")
        if not key_path:
            raise AuthError(f"no private key file: pass --private-key or set {ENV_KEY_PATH}")
        return cls(key_id, load_private_key(key_path, passphrase))

    def headers(self, method: str = "GET", path: str = WS_PATH, now_ms: int | None = None) -> dict[str, str]:
        """The three ``KALSHI-ACCESS-*`` headers for a request, signed now."""
        timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
        return {
            HEADER_KEY: self.key_id,
            HEADER_TIMESTAMP: timestamp,
            HEADER_SIGNATURE: sign(self.private_key, timestamp, method, path),
        }

    def __repr__(self) -> str:
        return f"Credentials(key_id={self.key_id!r}, private_key=<hidden>)"
