/**
 * The example app's event consumers: an SQS consumer and a Kafka (MSK)
 * consumer, each with its dead-letter queue and alarm.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { handlerPath } from './paths';
import { KafkaAuth, KafkaConsumer, KafkaSource, OutputFormat, SqsConsumer } from '../../src';

/** A placeholder MSK cluster ARN: replace it with your cluster's before deploying. */
const CLUSTER_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/abcd1234-abcd-cafe-abab-9876543210ab-4';

/** Adds one SqsConsumer and one KafkaConsumer to the stack. */
export function addConsumers(stack: Stack): { sqs: SqsConsumer; kafka: KafkaConsumer } {
  const sqs = new SqsConsumer(stack, 'OrderQueueConsumer', {
    entry: handlerPath('sqs-orders.ts'),
    description: 'Processes orders from SQS; reports failed messages one by one',
    timeout: Duration.seconds(10),
    batchSize: 10,
  });

  const kafka = new KafkaConsumer(stack, 'OrderTopicConsumer', {
    entry: handlerPath('kafka-orders.ts'),
    description: 'Processes orders from an MSK topic; reports failed records one by one',
    topic: 'orders',
    consumerGroupId: 'order-topic-consumer',
    source: KafkaSource.msk({ clusterArn: CLUSTER_ARN, auth: KafkaAuth.iam() }),
    // provisioned mode: partial batch responses, bounded retries and bisection
    provisionedPollers: { minimumPollers: 1, maximumPollers: 2 },
    maxRetryAttempts: 3,
    bisectBatchOnError: true,
    // Powertools' kafka utility loads its Avro and Protobuf decoders lazily;
    // this JSON consumer needs neither, and CommonJS keeps them lazy requires.
    bundling: { format: OutputFormat.CJS, externalModules: ['avro-js', 'protobufjs'] },
  });

  return { sqs, kafka };
}
