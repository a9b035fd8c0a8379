/**
 * Integration test of SqsConsumer: a valid order sent to the queue is
 * processed (its effect shows up in an output queue); a message that is not
 * JSON fails alone and lands in the dead-letter queue.
 */
import { join } from 'node:path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { SqsConsumer } from '../src';

const app = new App();
const stack = new Stack(app, 'CdkTsLambdaIntegSqs');

const output = new sqs.Queue(stack, 'Output', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED });
const consumer = new SqsConsumer(stack, 'Orders', {
  entry: join(__dirname, 'handlers', 'forward-orders.ts'),
  maxReceiveCount: 1,
  environment: { OUTPUT_QUEUE_URL: output.queueUrl },
});
output.grantSendMessages(consumer.function);

const test = new IntegTest(app, 'SqsTest', { testCases: [stack] });

test.assertions
  .awsApiCall('SQS', 'sendMessage', { QueueUrl: consumer.queue.queueUrl, MessageBody: JSON.stringify({ id: 'order-1' }) })
  .next(test.assertions
    .awsApiCall('SQS', 'receiveMessage', { QueueUrl: output.queueUrl, WaitTimeSeconds: 20 })
    .assertAtPath('Messages.0.Body', ExpectedResult.stringLikeRegexp('"forwarded":"order-1"'))
    .waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) }));

test.assertions
  .awsApiCall('SQS', 'sendMessage', { QueueUrl: consumer.queue.queueUrl, MessageBody: 'not json' })
  .next(test.assertions
    .awsApiCall('SQS', 'receiveMessage', { QueueUrl: consumer.deadLetterQueue!.queueUrl, WaitTimeSeconds: 20 })
    .assertAtPath('Messages.0.Body', ExpectedResult.stringLikeRegexp('^not json$'))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) }));
