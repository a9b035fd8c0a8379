/**
 * Integration test of HttpApiFunction protected by an OidcAuthorizer: a
 * deployment calls the HTTP API without a token (401), with a valid token
 * (200, from the function), with a token for another audience, a forged one
 * (right kid, wrong key), an expired one and one without the required scope
 * (403 each).
 *
 * The authorizer trusts the TEST-ONLY key pair of `integ/keys/` (public JWKS
 * pre-seeded through `jwks`, issuer on a `.invalid` host); a caller function
 * in the stack (`handlers/call-api.ts`) mints the tokens with the private key
 * at run time and returns the statuses, so the snapshot holds no token.
 */
import { join } from 'node:path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { acceptAssertionProviderRole } from './cfn-lint';
import { callerFunction, EXPECTED_STATUSES, testOnlyAuthorizer } from './oidc-caller';
import { HttpApiFunction } from '../src';

const claims = { audience: 'integ-http-api', scope: 'pets:read' };

const app = new App();
const stack = new Stack(app, 'CdkTsLambdaIntegHttpApi');

const auth = testOnlyAuthorizer(stack, 'Auth', claims);
const api = new HttpApiFunction(stack, 'Api', {
  entry: join(__dirname, 'handlers', 'whoami.ts'),
  routes: ['GET /whoami'],
  authorizer: auth.httpAuthorizer,
});
const caller = callerFunction(stack, 'Caller', claims, { HTTP: `${api.url}whoami` });

const test = new IntegTest(app, 'HttpApiTest', { testCases: [stack] });
acceptAssertionProviderRole(test);
test.assertions
  .invokeFunction({ functionName: caller.functionName, payload: JSON.stringify({ target: 'HTTP' }) })
  .expect(ExpectedResult.objectLike({ StatusCode: 200, Payload: EXPECTED_STATUSES }));
