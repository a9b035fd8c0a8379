import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppStack } from '../lib/stack';

const template = Template.fromStack(new AppStack(new App(), 'Test'));

test('an arm64 Node.js function behind a streaming function URL that callers must sign (AWS_IAM)', () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    Architectures: ['arm64'],
    Runtime: Match.stringLikeRegexp('^nodejs'),
    Handler: 'index.handler',
  });
  template.resourceCountIs('AWS::Lambda::Url', 1);
  template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
  template.hasOutput('ProgressUrl', {});
});

test('the stack matches its snapshot (asset hashes left out)', () => {
  const json = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '[asset]');
  expect(JSON.parse(json)).toMatchSnapshot();
});
