import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppStack } from '../lib/stack';

const template = Template.fromStack(new AppStack(new App(), 'Test'));

test('the event source mapping reads the orders topic with IAM auth and partial batch responses', () => {
  template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], Runtime: Match.stringLikeRegexp('^nodejs') });
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    Topics: ['orders'],
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2 },
    DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kafka-cluster:Connect']) })]) },
  });
});

test('the stack matches its snapshot (asset hashes left out)', () => {
  const json = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '[asset]');
  expect(JSON.parse(json)).toMatchSnapshot();
});
