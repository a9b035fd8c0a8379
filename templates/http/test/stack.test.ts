import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppStack } from '../lib/stack';

const template = Template.fromStack(new AppStack(new App(), 'Test'));

test('the HTTP API routes GET /hello to an arm64 Node.js function', () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    Architectures: ['arm64'],
    Runtime: Match.stringLikeRegexp('^nodejs'),
    Handler: 'index.handler',
  });
  template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /hello' });
});

test('the stack matches its snapshot (asset hashes left out)', () => {
  const json = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '[asset]');
  expect(JSON.parse(json)).toMatchSnapshot();
});
