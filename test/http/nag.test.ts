import { join } from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HttpApiFunction, HttpApiFunctionProps } from '../../src';
import { isolateBundleCache } from '../helpers/fixtures';

isolateBundleCache();

const ENTRY = join(__dirname, 'fixtures', 'hello-api.ts');

function nag(props: Partial<HttpApiFunctionProps>): { errors: string[]; warnings: string[] } {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  new HttpApiFunction(stack, 'Pets', { entry: ENTRY, ...props });
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(stack);
  const text = (found: { entry: { data?: unknown }; id: string }[]) => found.map((m) => `${m.id}: ${String(m.entry.data)}`);
  return {
    errors: text(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
    warnings: text(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
  };
}

const jwt = () => new HttpJwtAuthorizer('Jwt', 'https://issuer.example.com/', { jwtAudience: ['pets'] });

test('with an authorizer and a public route: no unsuppressed AwsSolutions errors or warnings', () => {
  const { errors, warnings } = nag({ routes: ['GET /pets', 'POST /pets', 'GET /health'], authorizer: jwt(), publicRoutes: ['GET /health'] });
  expect(warnings).toEqual([]);
  expect(errors).toEqual([]);
});

test('with CORS and a custom domain: clean too', () => {
  const { errors, warnings } = nag({
    authorizer: jwt(),
    cors: { allowOrigins: ['https://app.example.com'] },
    domainName: 'api.example.com',
    certificate: acm.Certificate.fromCertificateArn(new Stack(), 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
  });
  expect(warnings).toEqual([]);
  expect(errors).toEqual([]);
});

test('no authorizer, every route declared public: clean (an explicit open API)', () => {
  const { errors, warnings } = nag({ publicRoutes: ['ANY /', 'ANY /{proxy+}'] });
  expect(warnings).toEqual([]);
  expect(errors).toEqual([]);
});

test('the default output (no authorizer, nothing declared public): only APIG4, on each open route', () => {
  // An open API by accident: cdk-nag says so, as does the construct's own warning.
  const { errors, warnings } = nag({});
  expect(warnings).toEqual([]);
  expect(errors.map((e) => e.split(': ')[0] + ': ' + e.split(': ')[1].split('[')[0])).toEqual([
    '/Test/Pets/Route ANY |/Resource: AwsSolutions-APIG4',
    '/Test/Pets/Route ANY |{proxy+}/Resource: AwsSolutions-APIG4',
  ]);
});

test('the checks do run: turning access logs off is APIG1', () => {
  const { errors } = nag({ authorizer: jwt(), accessLogs: false });
  expect(errors).toEqual([expect.stringMatching(/^\/Test\/Pets\/Stage\/Resource: AwsSolutions-APIG1/)]);
});

test('with the legacy logRetention the function keeps its default role: IAM4 is reported, not hidden', () => {
  const { errors } = nag({ authorizer: jwt(), logRetention: logs.RetentionDays.ONE_DAY });
  expect(errors.some((e) => /AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]/.test(e))).toBe(true);
});
