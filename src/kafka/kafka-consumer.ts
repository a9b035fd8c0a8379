import { CfnResource, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KafkaDlq, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { KafkaSource } from './kafka-source';
import { bindSource } from './private/source-access';
import { TypeScriptFunction, TypeScriptFunctionProps } from '../function/typescript-function';
import { createDeadLetterAlarm, createDeadLetterQueue } from '../private/dead-letter-queue';
import { propError } from '../private/errors';
import { checkDurationRange, checkIntegerRange, MAX_BATCHING_WINDOW } from '../private/event-source-limits';

/** Kafka topic names: what the `Topics` property of an event source mapping accepts. */
const TOPIC = /^[^.]([a-zA-Z0-9\-_.]+)$/;
/** Consumer group ids: what the service accepts. */
const CONSUMER_GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/;

/**
 * Properties of a KafkaConsumer: the function (every TypeScriptFunction
 * prop), the cluster and topic it reads, the event source mapping and where
 * failed batches go.
 *
 * Lambda's Kafka event source mapping reads exactly one topic (its `Topics`
 * property takes one item) with one consumer group; to consume several
 * topics, create one KafkaConsumer per topic.
 */
export interface KafkaConsumerProps extends TypeScriptFunctionProps {
  /** The Kafka cluster: `KafkaSource.msk(...)` or `KafkaSource.selfManaged(...)`. */
  readonly source: KafkaSource;

  /** The topic to consume. */
  readonly topic: string;

  /**
   * The consumer group the event source mapping joins (1 to 200 characters of
   * `[a-zA-Z0-9-/*:_+=.@]`); unique among the Kafka event sources of the
   * cluster. It cannot change without replacing the mapping.
   * @default - the unique id of this construct in the app (so offsets survive
   * a redeployment, and IAM access control can be scoped to the group)
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html#services-msk-consumer-group-id
   */
  readonly consumerGroupId?: string;

  /**
   * Where a new consumer group starts reading.
   * @default lambda.StartingPosition.TRIM_HORIZON - the oldest record, so that no record is skipped
   */
  readonly startingPosition?: lambda.StartingPosition;

  /**
   * The time to start reading from, in Unix seconds; only with
   * `startingPosition: StartingPosition.AT_TIMESTAMP`, which requires it.
   * @default - none
   */
  readonly startingPositionTimestamp?: number;

  /**
   * The largest number of records in a batch (1 to 10,000).
   * @default 100
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before it invokes the function (up to 5 minutes).
   * @default - 500 ms (Lambda's default for Kafka)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Event filter patterns; records that match none are skipped.
   * @default - every record invokes the function
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
   */
  readonly filters?: Array<{ [key: string]: any }>;

  /**
   * Provisioned mode: a minimum and maximum number of event pollers. The
   * error-handling controls (`maxRetryAttempts`, `bisectBatchOnError`,
   * `maxRecordAge`, `reportBatchItemFailures`), a schema registry and a
   * Kafka topic as on-failure destination need it.
   * @default - on-demand mode
   * @see https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html
   */
  readonly provisionedPollers?: lambda.ProvisionedPollerConfig;

  /**
   * A schema registry that validates and decodes records (Avro, Protobuf or
   * JSON Schema) before the function sees them: `new ConfluentSchemaRegistry(...)`
   * or `new GlueSchemaRegistry(...)` from `aws-cdk-lib/aws-lambda-event-sources`,
   * which grant their own permissions. Provisioned mode only.
   * @default - records reach the function as the producer wrote them (base64)
   */
  readonly schemaRegistry?: lambda.ISchemaRegistry;

  /**
   * Where records go when the function keeps failing on them: an SQS queue
   * (`new SqsDlq(queue)`), an SNS topic (`new SnsDlq(topic)`), an S3 bucket
   * (`new S3OnFailureDestination(bucket)`) or a topic of the same cluster
   * (`new KafkaDlq('orders-dlq')`, provisioned mode only).
   * @default - a created SQS dead-letter queue (SSE, TLS only, 14-day retention)
   */
  readonly failureDestination?: lambda.IEventSourceDlq;

  /**
   * A KMS key that encrypts the created dead-letter queue.
   * @default - SQS-managed server-side encryption
   */
  readonly deadLetterQueueEncryptionKey?: kms.IKey;

  /**
   * How many times a failed batch is retried: -1 (until the record expires or
   * `maxRecordAge`) or 0 to 10,000. With an on-failure destination and -1,
   * Lambda retries 10 times. Provisioned mode only.
   * @default -1
   */
  readonly maxRetryAttempts?: number;

  /**
   * Split a failed batch in two and retry each half, to isolate a bad record.
   * Provisioned mode only.
   * @default false
   */
  readonly bisectBatchOnError?: boolean;

  /**
   * The oldest record Lambda sends to the function (60 seconds to 7 days);
   * older records go to the on-failure destination. Provisioned mode only.
   * @default - no limit
   */
  readonly maxRecordAge?: Duration;

  /**
   * Let the function return the records that failed (`batchItemFailures` with
   * `{ partition: '<topic>-<partition>', offset }` identifiers), so that only
   * those are retried. Provisioned mode only: in on-demand mode Lambda
   * ignores such a response and counts the batch as processed, so a handler
   * there must throw to have a batch retried.
   * @default - true in provisioned mode, false (unsupported) in on-demand mode
   * @see https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
   */
  readonly reportBatchItemFailures?: boolean;

  /**
   * Whether the event source mapping polls the topic.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Create a CloudWatch alarm on the created dead-letter queue.
   * @default true
   */
  readonly createDlqAlarm?: boolean;

  /**
   * What the dead-letter alarm does when it fires.
   * @default - the alarm has no action
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * A TypeScript Lambda function consuming a Kafka topic of Amazon MSK or of a
 * self-managed cluster, with least-privilege IAM that works (the
 * `kafka-cluster` data-plane actions for MSK IAM access control, the secrets,
 * their KMS keys, the network interfaces) and an on-failure destination, so
 * that failed batches are never dropped silently.
 *
 * It builds the event source mapping itself rather than with aws-cdk-lib's
 * ManagedKafkaEventSource, which attaches the broad AWSLambdaMSKExecutionRole
 * managed policy, grants none of the `kafka-cluster` actions that IAM access
 * control needs and supports neither mTLS nor KMS-encrypted secrets for MSK.
 *
 * @example
 * new KafkaConsumer(this, 'Orders', {
 *   entry: 'src/handlers/orders.ts',
 *   topic: 'orders',
 *   source: KafkaSource.msk({ clusterArn, auth: KafkaAuth.iam() }),
 * });
 */
export class KafkaConsumer extends Construct {
  /** The consumer function. */
  public readonly function: TypeScriptFunction;

  /** The event source mapping that reads the topic. */
  public readonly eventSource: lambda.EventSourceMapping;

  /** The consumer group the mapping joins. */
  public readonly consumerGroupId: string;

  /** The policy with what the source needs (cluster, secrets, network interfaces), attached to the function's role. */
  public readonly sourcePolicy: iam.Policy;

  /** The dead-letter queue, when the consumer created it (no `failureDestination` given). */
  public readonly deadLetterQueue?: sqs.Queue;

  /** The alarm on the created dead-letter queue. */
  public readonly dlqAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: KafkaConsumerProps) {
    super(scope, id);
    const {
      source, topic, consumerGroupId, startingPosition, startingPositionTimestamp, batchSize, maxBatchingWindow,
      filters, provisionedPollers, schemaRegistry, failureDestination, deadLetterQueueEncryptionKey, maxRetryAttempts,
      bisectBatchOnError, maxRecordAge, reportBatchItemFailures, enabled, createDlqAlarm, alarmAction,
      ...functionProps
    } = props;

    if (!source) throw propError(this, 'source', 'is required: KafkaSource.msk(...) or KafkaSource.selfManaged(...).');
    validateTopic(this, topic);
    this.consumerGroupId = consumerGroupId ?? defaultConsumerGroupId(this);
    const position = startingPosition ?? lambda.StartingPosition.TRIM_HORIZON;
    validateMapping(this, { ...props, consumerGroupId: this.consumerGroupId, startingPosition: position });

    const binding = bindSource(this, source, { topic, consumerGroupId: this.consumerGroupId });

    this.function = new TypeScriptFunction(this, 'Function', functionProps);

    let destination = failureDestination;
    if (!destination) {
      this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', { encryptionKey: deadLetterQueueEncryptionKey });
      (this.deadLetterQueue.node.defaultChild as CfnResource).addMetadata('cdk_nag', {
        rules_to_suppress: [{
          id: 'AwsSolutions-SQS3',
          reason: 'This queue is the on-failure destination (dead-letter queue) of the Kafka event source mapping; cdk-nag only recognises dead-letter queues of SQS redrive policies.',
        }],
      });
      destination = new SqsDlq(this.deadLetterQueue);
      if (createDlqAlarm ?? true) {
        this.dlqAlarm = createDeadLetterAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, alarmAction);
      }
    }

    this.eventSource = new lambda.EventSourceMapping(this, 'EventSource', {
      target: this.function,
      eventSourceArn: binding.eventSourceArn,
      kafkaBootstrapServers: binding.kafkaBootstrapServers,
      kafkaTopic: topic,
      kafkaConsumerGroupId: this.consumerGroupId,
      startingPosition: position,
      startingPositionTimestamp,
      batchSize,
      maxBatchingWindow,
      filters,
      sourceAccessConfigurations: binding.sourceAccessConfigurations.length > 0 ? binding.sourceAccessConfigurations : undefined,
      onFailure: destination,
      supportS3OnFailureDestination: true,
      provisionedPollerConfig: provisionedPollers,
      schemaRegistryConfig: schemaRegistry,
      retryAttempts: maxRetryAttempts,
      bisectBatchOnError,
      maxRecordAge,
      reportBatchItemFailures: reportBatchItemFailures ?? provisionedPollers !== undefined,
      enabled,
    });

    // a Kafka topic as destination: Lambda produces to it with the function's role
    const failureTopic = kafkaDestinationTopic(this.eventSource);
    if (failureTopic && binding.topicArn) {
      binding.statements.push(new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: [binding.topicArn(failureTopic)],
      }));
    }

    this.sourcePolicy = new iam.Policy(this, 'SourcePolicy', { statements: binding.statements, roles: [this.function.role!] });
    // the mapping starts polling as soon as it exists: the permissions must be there first
    this.eventSource.node.addDependency(this.sourcePolicy);
    if (binding.statements.some((s) => s.resources.includes('*'))) {
      // cdk-nag reads suppressions from the resource's template metadata
      (this.sourcePolicy.node.defaultChild as CfnResource).addMetadata('cdk_nag', {
        rules_to_suppress: [{
          id: 'AwsSolutions-IAM5',
          reason: 'Lambda creates the network interfaces of the event source mapping in the cluster\'s subnets; the ec2:Describe* actions support no resource-level permissions, and the interface ARNs are not known in advance (AWS documents these actions on "*" for Kafka event sources).',
          applies_to: ['Resource::*'],
        }],
      });
    }
  }
}

/** The mapping's limits and the provisioned-mode-only props, checked with messages that name the prop. */
/** The consumer's props with the defaults that validation needs. */
type ResolvedProps = KafkaConsumerProps & { readonly consumerGroupId: string; readonly startingPosition: lambda.StartingPosition };

function validateMapping(scope: Construct, props: ResolvedProps): void {
  const {
    consumerGroupId, startingPosition, startingPositionTimestamp, batchSize, maxBatchingWindow, provisionedPollers, schemaRegistry,
    failureDestination, deadLetterQueueEncryptionKey, maxRetryAttempts, bisectBatchOnError, maxRecordAge, reportBatchItemFailures,
    createDlqAlarm, alarmAction,
  } = props;
  if (!Token.isUnresolved(consumerGroupId) && !CONSUMER_GROUP_ID.test(consumerGroupId)) {
    throw propError(scope, 'consumerGroupId', `'${consumerGroupId}' must be 1 to 200 characters of [a-zA-Z0-9-/*:_+=.@].`);
  }
  if (startingPosition === lambda.StartingPosition.AT_TIMESTAMP && startingPositionTimestamp === undefined) {
    throw propError(scope, 'startingPositionTimestamp', 'is required with startingPosition AT_TIMESTAMP.');
  }
  if (startingPosition !== lambda.StartingPosition.AT_TIMESTAMP && startingPositionTimestamp !== undefined) {
    throw propError(scope, 'startingPositionTimestamp', `only applies with startingPosition AT_TIMESTAMP, not ${startingPosition}.`);
  }
  checkIntegerRange(scope, 'batchSize', batchSize, 1, 10000);
  checkDurationRange(scope, 'maxBatchingWindow', maxBatchingWindow, Duration.seconds(0), MAX_BATCHING_WINDOW);
  if (provisionedPollers) {
    checkIntegerRange(scope, 'provisionedPollers.minimumPollers', provisionedPollers.minimumPollers, 1, 200);
    checkIntegerRange(scope, 'provisionedPollers.maximumPollers', provisionedPollers.maximumPollers, 1, 2000);
    const { minimumPollers: min, maximumPollers: max } = provisionedPollers;
    if (min !== undefined && max !== undefined && !Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
      throw propError(scope, 'provisionedPollers.minimumPollers', `(${min}) must not exceed provisionedPollers.maximumPollers (${max}).`);
    }
  } else {
    const provisionedOnly: Record<string, unknown> = { maxRetryAttempts, bisectBatchOnError, maxRecordAge, schemaRegistry };
    if (reportBatchItemFailures) provisionedOnly.reportBatchItemFailures = true;
    if (failureDestination instanceof KafkaDlq) provisionedOnly.failureDestination = 'KafkaDlq';
    for (const [prop, value] of Object.entries(provisionedOnly)) {
      if (value !== undefined) {
        throw propError(scope, prop, `${prop === 'failureDestination' ? '(a Kafka topic) ' : ''}needs provisioned mode: set provisionedPollers, or leave it out.`);
      }
    }
  }
  if (maxRetryAttempts !== undefined && maxRetryAttempts !== -1) checkIntegerRange(scope, 'maxRetryAttempts', maxRetryAttempts, 0, 10000, ' (or -1 for no limit)');
  checkDurationRange(scope, 'maxRecordAge', maxRecordAge, Duration.seconds(60), Duration.days(7));
  if (failureDestination && deadLetterQueueEncryptionKey) {
    throw propError(scope, 'deadLetterQueueEncryptionKey', 'only applies to the dead-letter queue the consumer creates; leave it out with failureDestination.');
  }
  if (failureDestination && (createDlqAlarm !== undefined || alarmAction)) {
    throw propError(scope, createDlqAlarm !== undefined ? 'createDlqAlarm' : 'alarmAction', 'only applies to the dead-letter queue the consumer creates; alarm on your failureDestination yourself.');
  }
}

function validateTopic(scope: Construct, topic: string): void {
  if (topic === undefined || topic === null || topic === '') {
    throw propError(scope, 'topic', 'is required: the Kafka topic to consume (one per consumer: an event source mapping reads one topic).');
  }
  if (!Token.isUnresolved(topic) && (!TOPIC.test(topic) || topic.length > 249)) {
    throw propError(scope, 'topic', `'${topic}' is not a Kafka topic name (1 to 249 characters of [a-zA-Z0-9._-], not starting with '.').`);
  }
}

/** The construct's unique id in the app, within the service's 200 characters. */
function defaultConsumerGroupId(scope: Construct): string {
  const id = Names.uniqueId(scope);
  return id.length <= 200 ? id : id.slice(id.length - 200);
}

/** The topic of a `kafka://` on-failure destination, if the mapping has one. */
function kafkaDestinationTopic(mapping: lambda.EventSourceMapping): string | undefined {
  const cfn = mapping.node.defaultChild as lambda.CfnEventSourceMapping;
  const config = Stack.of(mapping).resolve(cfn.destinationConfig);
  const destination: unknown = config?.onFailure?.destination;
  return typeof destination === 'string' && destination.startsWith('kafka://') ? destination.slice('kafka://'.length) : undefined;
}
