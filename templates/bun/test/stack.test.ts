import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AppStack } from '../lib/stack';

const template = Template.fromStack(new AppStack(new App(), 'Test'));

test('the function runs on provided.al2023, arm64, behind GET /hello', () => {
  template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], Runtime: 'provided.al2023' });
  template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /hello' });
});

test('the stack matches its snapshot (asset hashes left out)', () => {
  const json = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '[asset]');
  expect(JSON.parse(json)).toMatchSnapshot();
});
