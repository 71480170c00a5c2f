"""Mints a JWT for the `stackgen dev` authorizer tests (stackgen/tests/dev_auth.rs).

Usage: .venv/bin/python mint_jwt.py KEY '<claims JSON>'

KEY is `moto` (the key moto's cognito-idp signs every pool's tokens with, kid "dummy": a
token the gateway must accept unless a claim is wrong), `other` (a fresh RSA key under the
same kid: a forgery) or `none` (the unsigned `alg: none` form). Prints the token.
"""

import base64
import json
import sys

from joserfc import jwk, jwt
from moto.utilities.utils import load_resource


def b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def main() -> None:
    which, claims = sys.argv[1], json.loads(sys.argv[2])
    header = {"kid": "dummy", "alg": "RS256"}
    if which == "none":
        print(f"{b64({'kid': 'dummy', 'alg': 'none'})}.{b64(claims)}.")
        return
    if which == "moto":
        key = jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    elif which == "other":
        key = jwk.RSAKey.generate_key(2048)
    else:
        raise SystemExit(f"unknown key {which!r}: moto, other or none")
    print(jwt.encode(header, claims, key))


if __name__ == "__main__":
    main()
