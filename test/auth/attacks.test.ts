/**
 * The attack corpus of issue #4: each case is a named test that must be
 * denied, for the expected reason, without throwing, and without the token
 * in the logs. A positive control shows that the same setup allows a valid
 * token, so a denial here is never "everything is denied".
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import {
  AUDIENCE, b64, baseEnv, claims, httpEvent, ISSUER, jose, jwksOf, keys, makeHandler, makeKey, NOW, sign, signRaw, tokenEvent,
} from './helpers';
import { ENV } from '../../src/auth/private/contract';

const rsa = () => keys().get('RS256')!;
const WEAK = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = () => keys().get('ES256')!;

interface Attack {
  /** the token (without "Bearer ") */
  readonly token: () => Promise<string>;
  /** the expected deny reason */
  readonly reason: string;
  /** environment (defaults to baseEnv()) */
  readonly env?: () => NodeJS.ProcessEnv;
}

/** A token with the given header and payload, signed over its own segments with `key` (any alg in the header). */
function forge(header: unknown, payload: unknown, signature: string): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

const ATTACKS: { [name: string]: Attack } = {
  'alg none with an empty signature': {
    token: async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`,
    reason: 'token_encoding',
  },
  'alg none with a signature copied from a valid token': {
    token: async () => forge({ alg: 'none', kid: rsa().kid }, claims(), (await sign(rsa())).split('.')[2]),
    reason: 'alg_not_allowed',
  },
  'alg "None" (case variant)': {
    token: async () => forge({ alg: 'None', kid: rsa().kid }, claims(), 'AAAA'),
    reason: 'alg_not_allowed',
  },
  'HS256 signed with the RSA public key (PEM) as the HMAC secret': {
    token: async () => {
      const input = `${b64({ alg: 'HS256', kid: rsa().kid, typ: 'JWT' })}.${b64(claims())}`;
      const secret = rsa().publicKey.export({ format: 'pem', type: 'spki' });
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    },
    reason: 'alg_not_allowed',
  },
  'HS256 signed with the RSA public key (JWK n) as the HMAC secret': {
    token: async () => {
      const input = `${b64({ alg: 'HS256', kid: rsa().kid })}.${b64(claims())}`;
      return `${input}.${createHmac('sha256', String(rsa().jwk.n)).update(input).digest('base64url')}`;
    },
    reason: 'alg_not_allowed',
  },
  'unknown kid': {
    token: async () => sign(makeKey('RS256', 'not-in-the-jwks')),
    reason: 'kid_unknown',
  },
  'kid with path traversal characters': {
    token: async () => sign({ ...rsa(), kid: '../../../../etc/passwd' }),
    reason: 'kid_unknown',
  },
  'kid with SQL injection characters': {
    token: async () => sign({ ...rsa(), kid: "key' OR '1'='1" }),
    reason: 'kid_unknown',
  },
  'kid that is a URL': {
    token: async () => sign({ ...rsa(), kid: 'https://attacker.example/jwks.json' }),
    reason: 'kid_unknown',
  },
  'kid with NUL and newline characters': {
    token: async () => sign({ ...rsa(), kid: `${rsa().kid}\u0000\n` }),
    reason: 'kid_unknown',
  },
  'kid "__proto__"': {
    token: async () => sign({ ...rsa(), kid: '__proto__' }),
    reason: 'kid_unknown',
  },
  'kid that is not a string': {
    token: async () => sign(rsa(), claims(), { kid: 42 }),
    reason: 'kid_invalid',
  },
  'jku header pointing to an attacker JWKS (ignored; key unknown)': {
    token: async () => sign({ ...makeKey('RS256', 'attacker') }, claims(), { jku: 'https://attacker.example/jwks.json' }),
    reason: 'kid_unknown',
  },
  'embedded jwk header with the attacker key (ignored; key unknown)': {
    token: async () => {
      const attacker = makeKey('RS256', 'attacker-embedded');
      return sign(attacker, claims(), { jwk: attacker.jwk });
    },
    reason: 'kid_unknown',
  },
  'crit header': {
    token: async () => signRaw(rsa().privateKey, 'RS256', JSON.stringify({ alg: 'RS256', kid: rsa().kid, crit: ['exp'] }), JSON.stringify(claims())),
    reason: 'header_crit',
  },
  'missing exp': {
    token: async () => sign(rsa(), claims({ exp: undefined })),
    reason: 'exp_missing',
  },
  'exp as a string': {
    token: async () => sign(rsa(), claims({ exp: String(NOW + 3600) })),
    reason: 'exp_invalid',
  },
  'expired beyond the clock tolerance': {
    token: async () => sign(rsa(), claims({ exp: NOW - 31 })),
    env: () => baseEnv(undefined, { [ENV.CLOCK_TOLERANCE]: '30' }),
    reason: 'expired',
  },
  'expired exactly now (no tolerance)': {
    token: async () => sign(rsa(), claims({ exp: NOW })),
    reason: 'expired',
  },
  'nbf in the future beyond the tolerance': {
    token: async () => sign(rsa(), claims({ nbf: NOW + 31 })),
    env: () => baseEnv(undefined, { [ENV.CLOCK_TOLERANCE]: '30' }),
    reason: 'not_yet_valid',
  },
  'iat in the future beyond the tolerance': {
    token: async () => sign(rsa(), claims({ iat: NOW + 600 })),
    reason: 'iat_future',
  },
  'older than maxTokenAge': {
    token: async () => sign(rsa(), claims({ iat: NOW - 3601 })),
    env: () => baseEnv(undefined, { [ENV.MAX_TOKEN_AGE]: '3600' }),
    reason: 'token_too_old',
  },
  'no iat with maxTokenAge': {
    token: async () => sign(rsa(), claims({ iat: undefined })),
    env: () => baseEnv(undefined, { [ENV.MAX_TOKEN_AGE]: '3600' }),
    reason: 'iat_invalid',
  },
  'wrong iss': {
    token: async () => sign(rsa(), claims({ iss: 'https://attacker.example/' })),
    reason: 'iss_mismatch',
  },
  'iss differing only by the trailing slash': {
    token: async () => sign(rsa(), claims({ iss: ISSUER.replace(/\/$/, '') })),
    reason: 'iss_mismatch',
  },
  'missing iss': {
    token: async () => sign(rsa(), claims({ iss: undefined })),
    reason: 'iss_mismatch',
  },
  'wrong aud (string)': {
    token: async () => sign(rsa(), claims({ aud: 'api://other' })),
    reason: 'aud_mismatch',
  },
  'wrong aud (array)': {
    token: async () => sign(rsa(), claims({ aud: ['api://other', 'api://another'] })),
    reason: 'aud_mismatch',
  },
  'aud array nested inside an array': {
    token: async () => sign(rsa(), claims({ aud: [[AUDIENCE]] })),
    reason: 'aud_mismatch',
  },
  'missing aud': {
    token: async () => sign(rsa(), claims({ aud: undefined })),
    reason: 'aud_mismatch',
  },
  'algorithm outside the allowlist (ES256 with only RS256 allowed)': {
    token: async () => sign(ec()),
    env: () => baseEnv(undefined, { [ENV.ALGORITHMS]: 'RS256' }),
    reason: 'alg_not_allowed',
  },
  'header alg PS256 on a key published with alg RS256': {
    token: async () => sign({ ...rsa(), alg: 'PS256' }),
    reason: 'key_alg_mismatch',
  },
  'header alg RS256 with the kid of an EC key': {
    token: async () => sign({ ...rsa(), kid: ec().kid }),
    reason: 'key_alg_mismatch',
  },
  'header alg ES384 with the kid of a P-256 key': {
    token: async () => forge({ alg: 'ES384', kid: ec().kid }, claims(), (await sign(ec())).split('.')[2]),
    reason: 'key_alg_mismatch',
  },
  'signature of another token': {
    token: async () => {
      const [h, p] = (await sign(rsa(), claims({ sub: 'admin' }))).split('.');
      return `${h}.${p}.${(await sign(rsa())).split('.')[2]}`;
    },
    reason: 'signature_invalid',
  },
  'payload changed after signing': {
    token: async () => {
      const [h, , s] = (await sign(rsa())).split('.');
      return `${h}.${b64(claims({ sub: 'admin' }))}.${s}`;
    },
    reason: 'signature_invalid',
  },
  'signed by a key that is not in the JWKS but reuses a known kid': {
    token: async () => sign(makeKey('RS256', rsa().kid)),
    reason: 'signature_invalid',
  },
  'RSA key shorter than 2048 bits': {
    token: async () => signRaw(WEAK.privateKey, 'RS256', JSON.stringify({ alg: 'RS256', kid: 'weak' }), JSON.stringify(claims())),
    env: () => baseEnv({ keys: [{ ...WEAK.publicKey.export({ format: 'jwk' }), kid: 'weak' }] }),
    reason: 'kid_unknown',
  },
  'malformed base64 (character outside the alphabet in the payload)': {
    token: async () => {
      const [h, p, s] = (await sign(rsa())).split('.');
      return `${h}.${p.slice(0, 10)}*${p.slice(11)}.${s}`;
    },
    reason: 'token_json',
  },
  'malformed base64 (standard alphabet + and / in the signature)': {
    token: async () => {
      const [h, p, s] = (await sign(rsa())).split('.');
      return `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}${/[-_]/.test(s) ? '' : '+'}`;
    },
    reason: 'token_encoding',
  },
  'malformed base64 (padding)': {
    token: async () => `${await sign(rsa())}==`,
    reason: 'token_encoding',
  },
  'a character above U+00FF in the signature whose low byte is a base64url letter (U+0141 for "A")': {
    token: async () => {
      const t = await sign(rsa());
      const i = t.lastIndexOf('A');
      return i > t.lastIndexOf('.') ? `${t.slice(0, i)}\u0141${t.slice(i + 1)}` : `${t.slice(0, -2)}\u0141${t.slice(-1)}`;
    },
    reason: 'token_encoding',
  },
  'a Latin-1 letter in the payload (e-acute)': {
    token: async () => {
      const [h, p, s] = (await sign(rsa())).split('.');
      return `${h}.${p.slice(0, 10)}\u00e9${p.slice(11)}.${s}`;
    },
    reason: 'token_encoding',
  },
  'non-canonical base64 (trailing bits of the signature changed)': {
    token: async () => {
      const t = await sign(ec()); // 64-byte signature: 86 characters, 4 unused bits in the last one
      const last = t[t.length - 1];
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // eslint-disable-next-line no-bitwise -- set an unused trailing bit
      return t.slice(0, -1) + alphabet[alphabet.indexOf(last) | 1];
    },
    reason: 'token_encoding',
  },
  'header that is not JSON': {
    token: async () => `${b64('not json')}.${b64(claims())}.AAAA`,
    reason: 'token_encoding',
  },
  'payload that is a JSON array': {
    token: async () => `${b64({ alg: 'RS256', kid: rsa().kid })}.${b64([claims()])}.AAAA`,
    reason: 'token_json',
  },
  'wrong segment count (2)': {
    token: async () => (await sign(rsa())).split('.').slice(0, 2).join('.'),
    reason: 'token_segments',
  },
  'wrong segment count (4)': {
    token: async () => `${await sign(rsa())}.AAAA`,
    reason: 'token_segments',
  },
  'a JWE (5 segments)': {
    token: async () => {
      const j = jose();
      const pub = await j.importJWK({ ...rsa().publicKey.export({ format: 'jwk' }) } as any, 'RSA-OAEP-256');
      return new j.CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims())))
        .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: rsa().kid })
        .encrypt(pub);
    },
    reason: 'token_segments',
  },
  'oversized token (validly signed, 20,000 characters)': {
    token: async () => sign(rsa(), claims({ padding: 'x'.repeat(15_000) })),
    reason: 'token_too_long',
  },
  '__proto__ claim': {
    token: async () => {
      // JSON.stringify drops a literal __proto__ key, so write the JSON by hand
      const payload = JSON.stringify(claims()).replace(/^\{/, '{"__proto__":{"admin":true,"scope":"admin"},');
      return signRaw(rsa().privateKey, 'RS256', JSON.stringify({ alg: 'RS256', kid: rsa().kid }), payload);
    },
    reason: 'claim_forbidden_name',
  },
  'constructor claim': {
    token: async () => sign(rsa(), claims({ constructor: { name: 'admin' } })),
    reason: 'claim_forbidden_name',
  },
  '__proto__ in the header': {
    token: async () => signRaw(rsa().privateKey, 'RS256', `{"__proto__":{"alg":"none"},"alg":"RS256","kid":"${rsa().kid}"}`, JSON.stringify(claims())),
    reason: 'claim_forbidden_name',
  },
  'principal id claim missing': {
    token: async () => sign(rsa(), claims({ sub: undefined })),
    reason: 'principal_missing',
  },
  'principal id claim "constructor" that the token does not have (not read from the prototype)': {
    token: async () => sign(rsa(), claims()),
    env: () => baseEnv(undefined, { [ENV.PRINCIPAL_ID_CLAIMS]: 'constructor,toString' }),
    reason: 'principal_missing',
  },
  'required scope missing': {
    token: async () => sign(rsa(), claims({ scope: 'orders:read' })),
    env: () => baseEnv(undefined, { [ENV.REQUIRED_SCOPES]: 'orders:read orders:admin' }),
    reason: 'scope_missing',
  },
  'required scope only as a substring': {
    token: async () => sign(rsa(), claims({ scope: 'orders:adminx' })),
    env: () => baseEnv(undefined, { [ENV.REQUIRED_SCOPES]: 'orders:admin' }),
    reason: 'scope_missing',
  },
  'claim rule equals failed': {
    token: async () => sign(rsa(), claims({ tenant: 'other' })),
    env: () => baseEnv(undefined, { [ENV.CLAIM_RULES]: JSON.stringify([{ claim: 'tenant', op: 'equals', values: ['acme'] }]) }),
    reason: 'claim_rule_failed',
  },
  'claim rule contains on a string only as a substring': {
    token: async () => sign(rsa(), claims({ groups: 'superadmins' })),
    env: () => baseEnv(undefined, { [ENV.CLAIM_RULES]: JSON.stringify([{ claim: 'groups', op: 'contains', values: ['admins'] }]) }),
    reason: 'claim_rule_failed',
  },
  'claim rule on "toString" (not read from the prototype)': {
    token: async () => sign(rsa(), claims()),
    env: () => baseEnv(undefined, { [ENV.CLAIM_RULES]: JSON.stringify([{ claim: 'toString', op: 'oneOf', values: ['function toString() { [native code] }'] }]) }),
    reason: 'claim_rule_failed',
  },
};

test('positive control: a valid token for the same setup is allowed, with principal and context', async () => {
  const { handler, logs } = makeHandler();
  const result = await handler(httpEvent(`Bearer ${await sign(rsa())}`));
  expect(result).toEqual({ isAuthorized: true, context: { principalId: 'user-1', scope: 'orders:read orders:write' } });
  expect(logs.lines).toEqual([]);
});

test('positive control: within the clock tolerance is allowed', async () => {
  const { handler } = makeHandler(baseEnv(undefined, { [ENV.CLOCK_TOLERANCE]: '30' }));
  const token = await sign(rsa(), claims({ exp: NOW - 29, nbf: NOW + 29, iat: NOW + 29 }));
  expect((await handler(httpEvent(`Bearer ${token}`)) as { isAuthorized: boolean }).isAuthorized).toBe(true);
});

describe('attack corpus: denied', () => {
  test.each(Object.keys(ATTACKS))('%s', async (name) => {
    const attack = ATTACKS[name];
    const token = await attack.token();
    const { handler, logs } = makeHandler(attack.env ? attack.env() : baseEnv());

    const http = await handler(httpEvent(`Bearer ${token}`));
    expect(http).toEqual({ isAuthorized: false });
    expect(logs.reasons()).toEqual([attack.reason]);

    // REST TOKEN: 401 (throw 'Unauthorized') for an unparseable token, Deny (403) otherwise; never anything else
    let rest: unknown;
    try {
      rest = await handler(tokenEvent(`Bearer ${token}`));
    } catch (err) {
      rest = (err as Error).message;
    }
    if (typeof rest === 'string') {
      expect(rest).toBe('Unauthorized');
      expect(['token_missing', 'token_too_long', 'token_segments', 'token_encoding', 'token_json']).toContain(attack.reason);
    } else {
      expect(rest).toMatchObject({ principalId: 'unauthorized', policyDocument: { Statement: [{ Effect: 'Deny' }] } });
    }

    // never the token, nor any of its segments, in the logs
    const text = logs.lines.join('\n');
    for (const segment of token.split('.').filter((s) => s.length >= 8)) expect(text).not.toContain(segment);
  });
});

test('the jwks is seeded with the keys the corpus relies on', () => {
  expect(jwksOf(rsa(), ec()).keys.map((k) => k.kid)).toEqual(['key-rs256', 'key-es256']);
  expect(AUDIENCE).toBe('api://orders');
});
