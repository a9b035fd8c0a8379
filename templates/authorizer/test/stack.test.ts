import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppStack } from '../lib/stack';

const template = Template.fromStack(new AppStack(new App(), 'Test'));

test('GET /me needs the Lambda authorizer; GET /health is public', () => {
  template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
    AuthorizerType: 'REQUEST',
    AuthorizerPayloadFormatVersion: '2.0',
    EnableSimpleResponses: true,
  });
  template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /me', AuthorizationType: 'CUSTOM' });
  template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /health', AuthorizationType: 'NONE' });
  template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], Runtime: Match.stringLikeRegexp('^nodejs') });
});

test('the stack matches its snapshot (asset hashes left out)', () => {
  const json = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '[asset]');
  expect(JSON.parse(json)).toMatchSnapshot();
});
