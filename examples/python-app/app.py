#!/usr/bin/env python3
"""A CDK app in Python that uses cdk-ts-lambda's Python package.

Three TypeScript functions, bundled at synth time by the esbuild-wasm that
ships inside the package (no Node.js dependencies of its own here):
a plain TypeScriptFunction, an HttpApiFunction behind an OidcAuthorizer,
and an SqsConsumer. `python app.py` writes the cloud assembly to cdk.out
(or the folder in CDK_OUTDIR, as the cdk CLI sets it).
"""
import json
import os

import aws_cdk as cdk
from cdk_ts_lambda import HttpApiFunction, OidcAuthorizer, SqsConsumer, TypeScriptFunction

HERE = os.path.dirname(os.path.abspath(__file__))


def handler(name: str) -> str:
    return os.path.join(HERE, "handlers", name)


# A placeholder issuer with a pre-seeded public key (JWKS), so the authorizer
# verifies tokens from its first request with no network call. Replace both
# with your identity provider's (or give `jwks_uri` instead of `jwks`).
ISSUER = "https://example.com/"
JWKS = json.dumps({
    "keys": [{
        "kty": "EC",
        "crv": "P-256",
        "x": "G59rkvMEIDPrFhi7xJP_H-bK3Iuk79dMQCQ9wGTHTDQ",
        "y": "N3QYP4ntHmFxzZLUCakH_JDn1Xs8mSBG-cp-ZT9vkQA",
        "kid": "example-placeholder",
        "alg": "ES256",
        "use": "sig",
    }],
})

app = cdk.App(outdir=os.environ.get("CDK_OUTDIR", os.path.join(HERE, "cdk.out")))
stack = cdk.Stack(app, "PythonApp", description="cdk-ts-lambda from Python")

TypeScriptFunction(stack, "Hello", entry=handler("hello.ts"), description="Greets whoever calls it")

auth = OidcAuthorizer(
    stack, "ApiAuth",
    issuer=ISSUER,
    audiences=["python-app"],
    required_scopes=["orders:read"],
    jwks=JWKS,
)
HttpApiFunction(
    stack, "Api",
    entry=handler("api.ts"),
    routes=["GET /", "GET /orders"],
    public_routes=["GET /"],
    authorizer=auth.http_authorizer,
)

SqsConsumer(stack, "Orders", entry=handler("orders.ts"), batch_size=10)

app.synth()
