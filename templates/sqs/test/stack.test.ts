import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppStack } from '../lib/stack';

const template = Template.fromStack(new AppStack(new App(), 'Test'));

test('the queue has a dead-letter queue and reports batch item failures to an arm64 function', () => {
  template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], Runtime: Match.stringLikeRegexp('^nodejs') });
  template.hasResourceProperties('AWS::SQS::Queue', {
    RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    SqsManagedSseEnabled: true,
  });
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    BatchSize: 10,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: 5 },
  });
});

test('the stack matches its snapshot (asset hashes left out)', () => {
  const json = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '[asset]');
  expect(JSON.parse(json)).toMatchSnapshot();
});
