"""The badge token a QR code carries: compact, versioned, signed, free of personal data.

Layout (version 1), packed in 83 bytes and written in RFC 4648 base32 without padding
(133 characters of the QR alphanumeric set, so the code stays small: version 6 at
error-correction level M):

    version (1) | event key id (4) | registration public id (12) | badge revision (2)
    | Ed25519 signature of the 19 bytes before it (64)
"""

import base64
import binascii
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

TOKEN_VERSION = 1
_CLAIM = struct.Struct(">B4s12sH")
_SIGNATURE_SIZE = 64
TOKEN_SIZE = _CLAIM.size + _SIGNATURE_SIZE
#: Base32 length of a token; anything longer is refused before it is decoded.
TOKEN_LENGTH = -(-TOKEN_SIZE * 8 // 5)
MAX_REVISION = 0xFFFF


class TokenRefused(Exception):
    """A token that cannot be trusted; `code` says why, as a stable string."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class BadgeClaim:
    key_id: str
    public_id: str
    revision: int


def sign_badge(private_key: Ed25519PrivateKey, claim: BadgeClaim) -> str:
    public_id = base64.urlsafe_b64decode(claim.public_id)
    body = _CLAIM.pack(TOKEN_VERSION, bytes.fromhex(claim.key_id), public_id, claim.revision)
    return base64.b32encode(body + private_key.sign(body)).decode("ascii").rstrip("=")


def read_claim(token: str) -> tuple[BadgeClaim, bytes, bytes]:
    """The claim a token makes, with the signed bytes and the signature; the signature
    is not checked here. Raises TokenRefused("malformed")."""
    text = token.strip().upper()
    if len(text) != TOKEN_LENGTH or not text.isascii():
        raise TokenRefused("malformed")
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError) as error:
        raise TokenRefused("malformed") from error
    # The last character carries a spare bit that decoding ignores: only the canonical
    # spelling is a token, so that no badge has two.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != text:
        raise TokenRefused("malformed")
    body, signature = raw[: _CLAIM.size], raw[_CLAIM.size :]
    version, key_id, public_id, revision = _CLAIM.unpack(body)
    if version != TOKEN_VERSION:
        raise TokenRefused("malformed")
    claim = BadgeClaim(key_id.hex(), base64.urlsafe_b64encode(public_id).decode(), revision)
    return claim, body, signature


def check_signature(public_key: Ed25519PublicKey, body: bytes, signature: bytes) -> None:
    try:
        public_key.verify(signature, body)
    except InvalidSignature as error:
        raise TokenRefused("bad_signature") from error


def open_token(token: str, key_id: str, public_key: Ed25519PublicKey) -> BadgeClaim:
    """The claim of a token signed by this key, or TokenRefused with "malformed",
    "wrong_event" (another event's key) or "bad_signature"."""
    claim, body, signature = read_claim(token)
    if claim.key_id != key_id:
        raise TokenRefused("wrong_event")
    check_signature(public_key, body, signature)
    return claim
