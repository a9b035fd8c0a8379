/**
 * cdk-nag AwsSolutions on the OidcAuthorizer: no unsuppressed error or
 * warning on the construct's resources (function, role, policy, log group,
 * permissions, authorizers). The APIs in these stacks are plain L2s made by
 * the test, so only findings under the construct's path are ours.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OidcAuthorizer } from '../../src';

function findings(wire: (stack: Stack, auth: OidcAuthorizer) => void): { errors: string[]; warnings: string[]; all: number } {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const auth = new OidcAuthorizer(stack, 'Auth', { issuer: 'https://login.example.com/', audiences: ['orders-api'] });
  wire(stack, auth);
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(stack);
  const pick = (found: SynthesisMessage[]) => found.filter((m) => m.id.startsWith('/Test/Auth/')).map((m) => `${m.id}: ${String(m.entry.data)}`);
  const errors = annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  const warnings = annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  return { errors: pick(errors), warnings: pick(warnings), all: errors.length + warnings.length };
}

test('alone: no AwsSolutions findings at all', () => {
  const { errors, warnings, all } = findings(() => undefined);
  expect(errors).toEqual([]);
  expect(warnings).toEqual([]);
  expect(all).toBe(0);
});

test('on an HTTP API route: no AwsSolutions findings on the authorizer', () => {
  const { errors, warnings, all } = findings((stack, auth) => {
    new apigwv2.HttpApi(stack, 'Api').addRoutes({ path: '/orders', integration: new HttpUrlIntegration('B', 'https://b.example.com'), authorizer: auth.httpAuthorizer });
  });
  expect(errors).toEqual([]);
  expect(warnings).toEqual([]);
  // the checks ran: the bare test HttpApi has findings of its own (e.g. no access logs)
  expect(all).toBeGreaterThan(0);
});

test('on a REST API method: no AwsSolutions findings on the authorizer', () => {
  const { errors, warnings, all } = findings((stack, auth) => {
    new apigateway.RestApi(stack, 'Api').root.addMethod('GET', new apigateway.MockIntegration(), { authorizer: auth.restAuthorizer });
  });
  expect(errors).toEqual([]);
  expect(warnings).toEqual([]);
  expect(all).toBeGreaterThan(0);
});
