/**
 * Fuzz: 12,000 seeded random mutations of valid tokens (every algorithm),
 * through the HTTP API and REST answers. None may be allowed, none may make
 * the handler throw anything but REST's 'Unauthorized'.
 */
import { baseEnv, claims, httpEvent, keys, makeHandler, sign, tokenEvent } from './helpers';
import { MUTATOR_NAMES, mutations } from './mutations';

const SEED = 0x5eed_0a17;
const COUNT = 12_000;

test(`${COUNT} mutations of valid tokens: none allowed, none throws (seed ${SEED.toString(16)})`, async () => {
  const valid: string[] = [];
  for (const key of keys().values()) {
    valid.push(await sign(key));
    valid.push(await sign(key, claims({ sub: 'user-2', aud: ['x', 'api://orders'] })));
  }
  const { handler, logs } = makeHandler(baseEnv());
  for (const token of valid) expect(await handler(httpEvent(`Bearer ${token}`))).toMatchObject({ isAuthorized: true });

  const cases = mutations(valid, COUNT, SEED);
  const allowed: string[] = [];
  const thrown: string[] = [];
  const used = new Map<string, number>();
  for (const { token, mutators } of cases) {
    for (const m of mutators) used.set(m, (used.get(m) ?? 0) + 1);
    try {
      const r = await handler(httpEvent(`Bearer ${token}`)) as { isAuthorized: boolean };
      if (r.isAuthorized !== false) allowed.push(`${mutators.join('+')}: ${token}`);
    } catch (err) {
      thrown.push(`${mutators.join('+')}: ${(err as Error).message}`);
    }
  }
  expect(allowed).toEqual([]);
  expect(thrown).toEqual([]);
  expect(new Set(cases.map((c) => c.token)).size).toBeGreaterThan(10_000);
  // every mutator ran, and every deny was logged with a reason
  expect([...used.keys()].sort()).toEqual([...MUTATOR_NAMES].sort());
  expect(logs.reasons()).toHaveLength(COUNT);
  expect(logs.reasons().every((r) => typeof r === 'string' && r.length > 0)).toBe(true);
});

test('REST TOKEN answers for 2,000 mutations: Deny or exactly "Unauthorized", never Allow', async () => {
  const valid = [await sign(keys().get('RS256')!), await sign(keys().get('ES256')!), await sign(keys().get('EdDSA')!)];
  const { handler } = makeHandler(baseEnv());
  const outcomes = new Map<string, number>();
  for (const { token } of mutations(valid, 2_000, SEED + 1)) {
    let outcome: string;
    try {
      const r = await handler(tokenEvent(`Bearer ${token}`)) as { policyDocument: { Statement: { Effect: string }[] } };
      outcome = r.policyDocument.Statement[0].Effect;
    } catch (err) {
      outcome = `throw ${(err as Error).message}`;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  expect([...outcomes.keys()].sort()).toEqual(['Deny', 'throw Unauthorized']);
});
