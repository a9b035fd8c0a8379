import { join } from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HttpApiFunction, OidcAuthorizer } from '../../src';
import { isolateBundleCache } from '../helpers/fixtures';

isolateBundleCache();

const ENTRY = join(__dirname, 'fixtures', 'hello-api.ts');

function synth(): { stack: Stack; api: HttpApiFunction; auth: OidcAuthorizer } {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const auth = new OidcAuthorizer(stack, 'Auth', { issuer: 'https://issuer.example.com/', audiences: ['pets'] });
  const api = new HttpApiFunction(stack, 'Pets', {
    entry: ENTRY,
    routes: ['GET /pets', 'POST /pets', 'GET /health'],
    authorizer: auth.httpAuthorizer,
    publicRoutes: ['GET /health'],
  });
  return { stack, api, auth };
}

describe('HttpApiFunction with OidcAuthorizer', () => {
  const { stack } = synth();
  const template = Template.fromStack(stack);

  test('matches the snapshot', () => {
    // The authorizer's prebuilt handler changes with its own area: its asset
    // hash is left out so that this snapshot is about the HTTP API. Only the
    // key is masked, so the snapshot stays a valid template (test/cfn-lint
    // lints it).
    const json = template.toJSON();
    for (const resource of Object.values<any>(json.Resources)) {
      if (resource.Type === 'AWS::Lambda::Function' && resource.Properties.Handler === 'index.handler' && /OIDC/.test(resource.Properties.Description ?? '')) {
        resource.Properties.Code.S3Key = '<prebuilt authorizer asset>.zip';
      }
    }
    expect(json).toMatchSnapshot();
  });

  test('protected routes use the Lambda authorizer (CUSTOM), the public one none', () => {
    const authorizerId = { Ref: Match.stringLikeRegexp('AuthHttpAuthorizer') };
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /pets', AuthorizationType: 'CUSTOM', AuthorizerId: authorizerId });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /pets', AuthorizationType: 'CUSTOM', AuthorizerId: authorizerId });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /health', AuthorizationType: 'NONE', AuthorizerId: Match.absent() });
  });

  test('one REQUEST authorizer with simple responses (payload 2.0) on the Authorization header', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      ApiId: { Ref: Match.stringLikeRegexp('^PetsApi') },
    });
  });

  test('the API may invoke the authorizer function', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuthFunction'), 'Arn'] },
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^PetsApi') }])] },
    });
  });

  test('cdk-nag AwsSolutions: no unsuppressed errors or warnings', () => {
    const checked = synth().stack;
    Aspects.of(checked).add(new AwsSolutionsChecks({ verbose: true }));
    const annotations = Annotations.fromStack(checked);
    const text = (found: { entry: { data?: unknown }; id: string }[]) => found.map((m) => `${m.id}: ${String(m.entry.data)}`);
    expect(text(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    expect(text(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
  });
});
