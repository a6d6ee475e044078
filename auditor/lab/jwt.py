"""RS256 tokens and OpenMetadata-style JWKS for the lab, with `cryptography` only.

OpenMetadata renders a JWK's `n` as Base64.getUrlEncoder() of BigInteger.toByteArray(): Java's
leading 0x00 sign byte is kept and so is the `=` padding (JWTTokenGenerator.getJWKSResponse).
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def java_biginteger_b64(value: int) -> str:
    """BigInteger.toByteArray() (two's complement, minimal, sign byte kept), URL-safe, padded."""
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return base64.urlsafe_b64encode(raw).decode()


@dataclass(frozen=True)
class LabKey:
    """A signing key the lab trusts; `private` is None for the shipped default (public half only)."""

    kid: str
    public: rsa.RSAPublicKey
    private: rsa.RSAPrivateKey | None

    @classmethod
    def generate(cls, kid: str) -> LabKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(kid=kid, public=private.public_key(), private=private)

    @classmethod
    def public_only(cls, kid: str, modulus: int, exponent: int) -> LabKey:
        return cls(kid=kid, public=rsa.RSAPublicNumbers(exponent, modulus).public_key(), private=None)

    def om_jwk(self) -> dict[str, Any]:
        numbers = self.public.public_numbers()
        return {"kty": "RSA", "kid": self.kid, "n": java_biginteger_b64(numbers.n),
                "e": java_biginteger_b64(numbers.e), "alg": "RS256", "use": "sig"}

    def sign(self, claims: dict[str, Any]) -> str:
        if self.private is None:
            raise ValueError(f"the lab holds no private half for key {self.kid}")
        header = {"kid": self.kid, "typ": "JWT", "alg": "RS256"}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self.private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64url(signature)}"


class TokenRejected(Exception):
    """Why JwtFilter would answer 401."""


class UnknownKeyId(TokenRejected):
    """No trusted key has the token's `kid`: MultiUrlJwkProvider's SigningKeyNotFoundException."""


def verify(token: str, keys: list[LabKey], now: float | None = None) -> dict[str, Any]:
    """Signature by kid across every trusted key, and `exp` only: what recent JwtFilter checks."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64url_decode(header_b64))
        claims = json.loads(_b64url_decode(payload_b64))
        signature = _b64url_decode(signature_b64)
    except (ValueError, TypeError) as exc:
        raise TokenRejected("malformed token") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict) or header.get("alg") != "RS256":
        raise TokenRejected("unsupported token")
    # MultiUrlJwkProvider.get(kid): LocalJwkProvider (OpenMetadata's own key) first, then each
    # publicKeyUrls JWKS, always by kid; no kid match is SigningKeyNotFoundException.
    candidates = [k for k in keys if k.kid == header.get("kid")]
    if not candidates:
        raise UnknownKeyId("Token signing key not found in configured public keys")
    for key in candidates:
        try:
            key.public.verify(signature, f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(),
                              hashes.SHA256())
        except InvalidSignature:
            continue
        exp = claims.get("exp")
        if isinstance(exp, int | float) and exp < (now if now is not None else time.time()):
            raise TokenRejected("expired")
        return claims
    raise TokenRejected("bad signature")
