/**
 * Integration test of OidcAuthorizer on both kinds of API Gateway APIs: one
 * authorizer protects a REST API method (`restAuthorizer`, TOKEN type, mock
 * integration) and an HTTP API route (`httpAuthorizer`, Lambda integration).
 * A deployment calls each API without a token (401), with a valid token
 * (200), and with a token for another audience, a forged one (right kid,
 * wrong key), an expired one and one without the required scope (403 each).
 *
 * The authorizer trusts the TEST-ONLY key pair of `integ/keys/` (public JWKS
 * pre-seeded through `jwks`, issuer on a `.invalid` host); the caller
 * function (`handlers/call-api.ts`, shared with integ.http-api.ts) mints the
 * tokens with the private key at run time and returns the statuses, so the
 * snapshot holds no token.
 */
import { join } from 'node:path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { acceptAssertionProviderRole } from './cfn-lint';
import { callerFunction, EXPECTED_STATUSES, testOnlyAuthorizer } from './oidc-caller';
import { TypeScriptFunction } from '../src';

const claims = { audience: 'integ-authorizer', scope: 'orders:read' };

const app = new App();
const stack = new Stack(app, 'CdkTsLambdaIntegAuthorizer');

const auth = testOnlyAuthorizer(stack, 'Auth', claims);

// REST API: GET /orders answers 200 from a mock integration once the authorizer allows the call
const rest = new apigateway.RestApi(stack, 'RestApi', {
  cloudWatchRole: false, // no account-wide API Gateway logging role from a test
  deployOptions: { stageName: 'integ' },
});
rest.root.addResource('orders').addMethod('GET', new apigateway.MockIntegration({
  requestTemplates: { 'application/json': '{ "statusCode": 200 }' },
  integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{ "ok": true }' } }],
}), {
  authorizer: auth.restAuthorizer,
  methodResponses: [{ statusCode: '200' }],
});

// HTTP API: GET /orders goes to a function once the authorizer allows the call
const whoami = new TypeScriptFunction(stack, 'WhoAmI', { entry: join(__dirname, 'handlers', 'whoami.ts') });
const http = new apigwv2.HttpApi(stack, 'HttpApi');
http.addRoutes({
  path: '/orders',
  methods: [apigwv2.HttpMethod.GET],
  integration: new HttpLambdaIntegration('WhoAmI', whoami),
  authorizer: auth.httpAuthorizer,
});

const caller = callerFunction(stack, 'Caller', claims, {
  REST: rest.urlForPath('/orders'),
  HTTP: `${http.apiEndpoint}/orders`,
});

const test = new IntegTest(app, 'AuthorizerTest', { testCases: [stack] });
acceptAssertionProviderRole(test);
for (const target of ['REST', 'HTTP']) {
  test.assertions
    .invokeFunction({ functionName: caller.functionName, payload: JSON.stringify({ target }) })
    .expect(ExpectedResult.objectLike({ StatusCode: 200, Payload: EXPECTED_STATUSES }));
}
