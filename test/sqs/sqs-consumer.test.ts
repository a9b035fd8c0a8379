import { join } from 'node:path';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SqsConsumer, SqsConsumerProps } from '../../src';
import { isolateBundleCache, loadEvent } from '../helpers/fixtures';
import { runBundle } from '../helpers/run-bundle';

isolateBundleCache();
const ENTRY = join(__dirname, '..', '..', 'examples', 'app', 'handlers', 'sqs-orders.ts');

type Build = (stack: Stack) => Partial<SqsConsumerProps>;

function stackWith(props: Partial<SqsConsumerProps> = {}, build?: Build): { stack: Stack; consumer: SqsConsumer } {
  const stack = new Stack(new App(), 'Test');
  const consumer = new SqsConsumer(stack, 'Orders', { entry: ENTRY, ...props, ...(build ? build(stack) : {}) });
  return { stack, consumer };
}

function template(props: Partial<SqsConsumerProps> = {}): Template {
  return Template.fromStack(stackWith(props).stack);
}

/** The logical id of the only resource of a type whose logical id starts with a prefix. */
function logicalId(t: Template, type: string, prefix: string): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('created standard queue', () => {
  const t = template({ timeout: Duration.seconds(20) });

  test('snapshot', () => {
    expect(t.toJSON()).toMatchSnapshot();
  });

  test('the queue: SSE, redrive to the DLQ after 3 receives, visibility six times the function timeout', () => {
    const dlq = logicalId(t, 'AWS::SQS::Queue', 'OrdersDeadLetterQueue');
    t.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 120,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 3 },
    });
    t.resourceCountIs('AWS::SQS::Queue', 2);
  });

  test('the dead-letter queue: 14-day retention, SSE, not FIFO', () => {
    const dlq = logicalId(t, 'AWS::SQS::Queue', 'OrdersDeadLetterQueue');
    expect(t.toJSON().Resources[dlq].Properties).toEqual({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  test('both queues deny access without TLS', () => {
    const policies = t.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Action: 'sqs:*',
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
  });

  test('the mapping reports batch item failures, with the default batch size', () => {
    const queue = logicalId(t, 'AWS::SQS::Queue', 'OrdersQueue');
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: Match.absent(),
      MaximumBatchingWindowInSeconds: Match.absent(),
    });
  });

  test('the function may consume the queue and write its logs, nothing else', () => {
    const queue = logicalId(t, 'AWS::SQS::Queue', 'OrdersQueue');
    const logGroup = logicalId(t, 'AWS::Logs::LogGroup', 'OrdersFunctionLogGroup');
    // the role's own inline policy, then the policies attached to it
    const inline = Object.values(t.findResources('AWS::IAM::Role')).flatMap((r) => r.Properties.Policies ?? []);
    expect(inline.map((p: { PolicyName: string }) => p.PolicyName)).toEqual(['WriteLogs']);
    const statements = [...inline, ...Object.values(t.findResources('AWS::IAM::Policy')).map((p) => p.Properties)]
      .flatMap((p) => p.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } },
      {
        Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
      },
    ]);
    t.resourceCountIs('AWS::IAM::Role', 1);
    expect(JSON.stringify(t.toJSON())).not.toContain('ManagedPolicyArns');
  });

  test('an alarm on one message or more in the DLQ', () => {
    const dlq = logicalId(t, 'AWS::SQS::Queue', 'OrdersDeadLetterQueue');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('created FIFO queue', () => {
  const t = template({ fifo: true, batchSize: 10, maxReceiveCount: 5, maxConcurrency: 4 });

  test('snapshot', () => {
    expect(t.toJSON()).toMatchSnapshot();
  });

  test('FIFO queue and FIFO dead-letter queue', () => {
    const dlq = logicalId(t, 'AWS::SQS::Queue', 'OrdersDeadLetterQueue');
    t.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      VisibilityTimeout: 18,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(t.toJSON().Resources[dlq].Properties).toEqual({ FifoQueue: true, MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  test('mapping: batch size, concurrency, partial failures', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 4 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('given queue', () => {
  const { stack, consumer } = stackWith({ batchSize: 100, maxBatchingWindow: Duration.seconds(5) }, (s) => {
    const dlq = new sqs.Queue(s, 'MyDlq', { enforceSSL: true });
    return { queue: new sqs.Queue(s, 'MyQueue', { visibilityTimeout: Duration.seconds(60), enforceSSL: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 2 } }) };
  });
  const t = Template.fromStack(stack);

  test('snapshot', () => {
    expect(t.toJSON()).toMatchSnapshot();
  });

  test('no queue is created; the given DLQ is exposed and alarmed', () => {
    t.resourceCountIs('AWS::SQS::Queue', 2);
    expect(consumer.queue.node.path).toBe('Test/MyQueue');
    expect(consumer.deadLetterQueue?.node.path).toBe('Test/MyDlq');
    const dlq = logicalId(t, 'AWS::SQS::Queue', 'MyDlq');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }] });
  });

  test('mapping: batch size above 10 with a window', () => {
    const queue = logicalId(t, 'AWS::SQS::Queue', 'MyQueue');
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('a given queue without DLQ or with a short visibility timeout gets warnings, and no alarm', () => {
    const { stack: s, consumer: c } = stackWith({ timeout: Duration.seconds(30) }, (st) => ({ queue: new sqs.Queue(st, 'Bare') }));
    expect(c.deadLetterQueue).toBeUndefined();
    expect(c.dlqAlarm).toBeUndefined();
    Template.fromStack(s).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    const warnings = Annotations.fromStack(s).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
    expect(warnings.some((w) => w.includes('has no dead-letter queue'))).toBe(true);
    expect(warnings.some((w) => w.includes('visibility timeout of 30 seconds') && w.includes('3 minutes'))).toBe(true);
  });

  test('an imported queue is consumed as it is', () => {
    const { stack: s, consumer: c } = stackWith({}, (st) => ({ queue: sqs.Queue.fromQueueArn(st, 'Imported', 'arn:aws:sqs:us-east-1:123456789012:jobs') }));
    expect(c.deadLetterQueue).toBeUndefined();
    Template.fromStack(s).hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:jobs' });
  });
});

describe('options', () => {
  test('a KMS key encrypts both queues and the function may decrypt', () => {
    const { stack } = stackWith({}, (s) => ({ queueEncryptionKey: new kms.Key(s, 'Key', { enableKeyRotation: true }) }));
    const t = Template.fromStack(stack);
    const key = logicalId(t, 'AWS::KMS::Key', 'Key');
    const queues = Object.values(t.findResources('AWS::SQS::Queue'));
    expect(queues.map((q) => q.Properties.KmsMasterKeyId)).toEqual([{ 'Fn::GetAtt': [key, 'Arn'] }, { 'Fn::GetAtt': [key, 'Arn'] }]);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [key, 'Arn'] } })]) },
    });
  });

  test('alarm action, filters, partial failures off, disabled mapping, visibility timeout given', () => {
    const { stack } = stackWith({
      reportBatchItemFailures: false,
      enabled: false,
      visibilityTimeout: Duration.minutes(5),
      filters: [{ pattern: JSON.stringify({ body: { type: ['order'] } }) }],
    }, (s) => ({ alarmAction: new cloudwatch_actions.SnsAction(new sns.Topic(s, 'Alerts')) }));
    const t = Template.fromStack(stack);
    const topic = logicalId(t, 'AWS::SNS::Topic', 'Alerts');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: topic }] });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: Match.absent(),
      Enabled: false,
      FilterCriteria: { Filters: [{ Pattern: '{"body":{"type":["order"]}}' }] },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 300, RedrivePolicy: Match.anyValue() });
  });

  test('createDlqAlarm: false creates no alarm', () => {
    const { stack, consumer } = stackWith({ createDlqAlarm: false });
    expect(consumer.dlqAlarm).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('the default visibility timeout adds the batching window', () => {
    template({ timeout: Duration.seconds(10), maxBatchingWindow: Duration.seconds(30) })
      .hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 90, RedrivePolicy: Match.anyValue() });
  });
});

describe('validation', () => {
  const cases: Array<[string, () => Partial<SqsConsumerProps> | ((s: Stack) => Partial<SqsConsumerProps>), RegExp]> = [
    ['batchSize above 10 on FIFO', () => ({ fifo: true, batchSize: 11 }), /Test\/Orders: batchSize must be an integer from 1 to 10 for a FIFO queue, got 11/],
    ['batchSize 0', () => ({ batchSize: 0 }), /batchSize must be an integer from 1 to 10000 for a standard queue, got 0/],
    ['batchSize above 10000', () => ({ batchSize: 10001, maxBatchingWindow: Duration.seconds(1) }), /batchSize must be an integer from 1 to 10000/],
    ['batchSize above 10 without a window', () => ({ batchSize: 11 }), /batchSize above 10 \(got 11\) needs a maxBatchingWindow of at least 1 second/],
    ['a window on FIFO', () => ({ fifo: true, maxBatchingWindow: Duration.seconds(1) }), /maxBatchingWindow is not supported on a FIFO queue/],
    ['a window above 5 minutes', () => ({ maxBatchingWindow: Duration.minutes(6) }), /maxBatchingWindow must be from 0 seconds to 5 minutes, got 6 minutes/],
    ['maxConcurrency 1', () => ({ maxConcurrency: 1 }), /maxConcurrency must be an integer from 2 to 1000, got 1/],
    ['maxConcurrency 1001', () => ({ maxConcurrency: 1001 }), /maxConcurrency must be an integer from 2 to 1000, got 1001/],
    ['maxReceiveCount 0', () => ({ maxReceiveCount: 0 }), /maxReceiveCount must be an integer from 1 to 1000, got 0/],
    ['a visibility timeout below six times the function timeout', () => ({ timeout: Duration.seconds(30), visibilityTimeout: Duration.seconds(90) }), /visibilityTimeout must be at least six times the function timeout plus maxBatchingWindow \(3 minutes\), got 1 minute 30 seconds/],
    ['a visibility timeout above 12 hours', () => ({ visibilityTimeout: Duration.hours(13) }), /visibilityTimeout must be from 0 seconds to 12 hours/],
    ['fifo with a given queue', () => (s: Stack) => ({ queue: new sqs.Queue(s, 'Q'), fifo: true }), /fifo only applies to a queue that the consumer creates/],
    ['maxReceiveCount with a given queue', () => (s: Stack) => ({ queue: new sqs.Queue(s, 'Q'), maxReceiveCount: 2 }), /maxReceiveCount only applies to a queue that the consumer creates/],
    ['visibilityTimeout with a given queue', () => (s: Stack) => ({ queue: new sqs.Queue(s, 'Q'), visibilityTimeout: Duration.minutes(1) }), /visibilityTimeout only applies to a queue that the consumer creates/],
    ['queueEncryptionKey with a given queue', () => (s: Stack) => ({ queue: new sqs.Queue(s, 'Q'), queueEncryptionKey: new kms.Key(s, 'K') }), /queueEncryptionKey only applies to a queue that the consumer creates/],
    ['a given FIFO queue with a window', () => (s: Stack) => ({ queue: new sqs.Queue(s, 'Q', { fifo: true }), maxBatchingWindow: Duration.seconds(2) }), /maxBatchingWindow is not supported on a FIFO queue/],
    ['alarmAction without an alarm', () => (s: Stack) => ({ createDlqAlarm: false, alarmAction: new cloudwatch_actions.SnsAction(new sns.Topic(s, 'T')) }), /alarmAction needs a dead-letter alarm/],
  ];
  test.each(cases)('%s fails synth naming the prop', (_name, make, message) => {
    const made = make();
    expect(() => (typeof made === 'function' ? stackWith({}, made) : stackWith(made))).toThrow(message);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['created standard', () => stackWith({}).stack],
    ['created FIFO', () => stackWith({ fifo: true }).stack],
  ])('%s: no unsuppressed errors or warnings', (_name, make) => {
    const stack = make();
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    const annotations = Annotations.fromStack(stack);
    const findings = [...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')), ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))];
    expect(findings.map((f) => `${f.id}: ${f.entry.data}`)).toEqual([]);
  });

  test('the check does find things: an unencrypted given queue without DLQ is reported (the test can fail)', () => {
    const { stack } = stackWith({}, (s) => ({ queue: new sqs.Queue(s, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED }) }));
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const ids = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')).map((f) => String(f.entry.data).split(':')[0]);
    expect(ids).toEqual(expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});

describe('the example handler (examples/app/handlers/sqs-orders.ts) runs from its built asset', () => {
  // powertools-ts-sqs.json, unmodified: its first record's body, "Test message.",
  // is not JSON, so the handler fails on it; the second, {"message": "foo1"}, is an object.
  test('a record whose body is not JSON is reported in batchItemFailures, and no other record', () => {
    const { consumer } = stackWith();
    const event = loadEvent('powertools-ts-sqs.json');
    expect(event.Records.map((r: any) => r.body)).toEqual(['Test message.', '{"message": "foo1"}']);
    const result = runBundle(consumer.function.assetPath, 'index.mjs', 'handler', event) as any;
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '059f36b4-87a3-44ab-83d2-661975830a7d' }] });
  });

  test('a batch of good records reports no failure (example-sqs-event.json with a JSON body)', () => {
    const { consumer } = stackWith();
    const event = loadEvent('example-sqs-event.json');
    for (const record of event.Records) record.body = JSON.stringify({ id: record.messageId });
    const result = runBundle(consumer.function.assetPath, 'index.mjs', 'handler', event) as any;
    expect(result).toEqual({ batchItemFailures: [] });
  });
});
