import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TypeScriptFunction, TypeScriptFunctionProps } from '../function/typescript-function';
import { createDeadLetterAlarm, createDeadLetterQueue, encryptionProps } from '../private/dead-letter-queue';
import { propError } from '../private/errors';
import { checkDurationRange, checkIntegerRange, MAX_BATCHING_WINDOW, MAX_CONCURRENCY } from '../private/event-source-limits';

/** AWS's guidance: the queue's visibility timeout is at least six times the function timeout. */
const VISIBILITY_FACTOR = 6;
/** Lambda's default function timeout. */
const DEFAULT_FUNCTION_TIMEOUT = Duration.seconds(3);
/** SQS's default visibility timeout, for a given queue that does not set one. */
const SQS_DEFAULT_VISIBILITY = Duration.seconds(30);

/**
 * Properties of an SqsConsumer: the function (every TypeScriptFunction prop),
 * the queue it consumes, the event source mapping and the dead-letter alarm.
 */
export interface SqsConsumerProps extends TypeScriptFunctionProps {
  /**
   * The queue to consume. When given, the consumer creates no queue and the
   * queue props below (`fifo`, `maxReceiveCount`, `visibilityTimeout`,
   * `queueEncryptionKey`) must be left out; the owner of the queue must then
   * ensure what a created queue gets by default:
   * - a dead-letter queue (a redrive policy with a `maxReceiveCount`), or
   *   failed messages come back forever until they expire;
   * - a visibility timeout of at least six times the function timeout (plus
   *   `maxBatchingWindow`), or a message still being processed is delivered again;
   * - server-side encryption and a policy that denies access without TLS;
   * - for a KMS-encrypted queue, a key policy that lets the function decrypt.
   * When the queue is an `sqs.Queue` of this app with a dead-letter queue,
   * `deadLetterQueue` and the alarm use it; otherwise there is no alarm.
   * @default - a queue is created, with a dead-letter queue
   */
  readonly queue?: sqs.IQueue;

  /**
   * Create a FIFO queue (and a FIFO dead-letter queue). Only for a created queue.
   * @default false
   */
  readonly fifo?: boolean;

  /**
   * How many times a message is received before it moves to the dead-letter
   * queue (1 to 1000). Only for a created queue.
   * @default 3
   */
  readonly maxReceiveCount?: number;

  /**
   * The visibility timeout of the created queue: at least six times the
   * function timeout plus `maxBatchingWindow` (AWS's guidance), at most 12 hours.
   * @default - six times the function timeout plus `maxBatchingWindow`
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
   */
  readonly visibilityTimeout?: Duration;

  /**
   * A KMS key that encrypts the created queue and its dead-letter queue. The
   * function is granted decrypt on it.
   * @default - SQS-managed server-side encryption (SSE-SQS)
   */
  readonly queueEncryptionKey?: kms.IKey;

  /**
   * The largest number of messages in one batch: 1 to 10 for a FIFO queue,
   * 1 to 10,000 for a standard queue (above 10 only with `maxBatchingWindow`).
   * @default 10
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers messages before it invokes the function (up to
   * 5 minutes). Not supported on FIFO queues.
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * The most concurrent invocations the event source starts (2 to 1000).
   * @default - no limit other than the function's concurrency
   */
  readonly maxConcurrency?: number;

  /**
   * Event filter patterns; messages that match none are deleted without
   * invoking the function.
   * @default - every message invokes the function
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
   */
  readonly filters?: Array<{ [key: string]: any }>;

  /**
   * Let the function return the messages that failed (`batchItemFailures`),
   * so that only those are retried. The handler must return that response
   * (Powertools' `BatchProcessor` does).
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;

  /**
   * Whether the event source mapping polls the queue.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Create a CloudWatch alarm that fires when one message or more waits in
   * the dead-letter queue.
   * @default true
   */
  readonly createDlqAlarm?: boolean;

  /**
   * What the dead-letter alarm does when it fires (an SNS topic, for example).
   * @default - the alarm has no action
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * A TypeScript Lambda function consuming an SQS queue, with the defaults that
 * lose no message: a dead-letter queue, partial batch responses, a
 * visibility timeout that fits the function timeout, encryption, TLS only and
 * an alarm on dead letters.
 *
 * @example
 * new SqsConsumer(this, 'Orders', { entry: 'src/handlers/orders.ts', batchSize: 5 });
 */
export class SqsConsumer extends Construct {
  /** The queue that the function consumes (created or given). */
  public readonly queue: sqs.IQueue;

  /** The dead-letter queue: created with the queue, or the given queue's when known. */
  public readonly deadLetterQueue?: sqs.IQueue;

  /** The consumer function. */
  public readonly function: TypeScriptFunction;

  /** The event source that connects the queue to the function. */
  public readonly eventSource: SqsEventSource;

  /** The alarm on dead letters, unless `createDlqAlarm` is false or there is no known dead-letter queue. */
  public readonly dlqAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SqsConsumerProps) {
    super(scope, id);
    const {
      queue: givenQueue, fifo, maxReceiveCount, visibilityTimeout, queueEncryptionKey,
      batchSize, maxBatchingWindow, maxConcurrency, filters, reportBatchItemFailures, enabled,
      createDlqAlarm, alarmAction, ...functionProps
    } = props;

    if (givenQueue) {
      const createdOnly = { fifo, maxReceiveCount, visibilityTimeout, queueEncryptionKey };
      for (const [prop, value] of Object.entries(createdOnly)) {
        if (value !== undefined) {
          throw propError(this, prop, 'only applies to a queue that the consumer creates; configure the given queue itself instead.');
        }
      }
    }
    const isFifo = givenQueue ? givenQueue.fifo : fifo === true;
    const timeout = props.timeout ?? DEFAULT_FUNCTION_TIMEOUT;
    validateEventSource(this, isFifo, { batchSize, maxBatchingWindow, maxConcurrency });
    checkIntegerRange(this, 'maxReceiveCount', maxReceiveCount, 1, 1000);
    const minVisibility = minimumVisibility(timeout, maxBatchingWindow);
    if (visibilityTimeout && !visibilityTimeout.isUnresolved() && minVisibility !== undefined) {
      if (visibilityTimeout.toSeconds() < minVisibility.toSeconds()) {
        throw propError(this, 'visibilityTimeout', `must be at least six times the function timeout plus maxBatchingWindow (${minVisibility.toHumanString()}), got ${visibilityTimeout.toHumanString()}.`);
      }
    }
    checkDurationRange(this, 'visibilityTimeout', visibilityTimeout, Duration.seconds(0), Duration.hours(12));

    this.function = new TypeScriptFunction(this, 'Function', functionProps);

    if (givenQueue) {
      this.queue = givenQueue;
      this.deadLetterQueue = givenQueue instanceof sqs.Queue ? givenQueue.deadLetterQueue?.queue : undefined;
      warnAboutGivenQueue(this, givenQueue, minVisibility);
    } else {
      const deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', { fifo: isFifo, encryptionKey: queueEncryptionKey });
      this.deadLetterQueue = deadLetterQueue;
      this.queue = new sqs.Queue(this, 'Queue', {
        fifo: isFifo ? true : undefined,
        // when a token hides the timeout, assume Lambda's longest (15 minutes)
        visibilityTimeout: visibilityTimeout ?? minVisibility ?? Duration.minutes(15 * VISIBILITY_FACTOR),
        ...encryptionProps(queueEncryptionKey),
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: maxReceiveCount ?? 3 },
      });
    }

    this.eventSource = new SqsEventSource(this.queue, {
      batchSize,
      maxBatchingWindow,
      maxConcurrency,
      filters,
      enabled,
      reportBatchItemFailures: reportBatchItemFailures ?? true,
    });
    this.function.addEventSource(this.eventSource);

    if (this.deadLetterQueue && (createDlqAlarm ?? true)) {
      this.dlqAlarm = createDeadLetterAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, alarmAction);
    } else if (alarmAction) {
      throw propError(this, 'alarmAction', 'needs a dead-letter alarm: set createDlqAlarm to true and let the consumer create the queue (or give an sqs.Queue that has a dead-letter queue).');
    }
  }
}

interface EventSourceLimits {
  readonly batchSize?: number;
  readonly maxBatchingWindow?: Duration;
  readonly maxConcurrency?: number;
}

/** The limits of an SQS event source mapping, checked with messages that name the prop. */
function validateEventSource(scope: Construct, fifo: boolean, props: EventSourceLimits): void {
  const { batchSize, maxBatchingWindow, maxConcurrency } = props;
  if (maxBatchingWindow && fifo) {
    throw propError(scope, 'maxBatchingWindow', 'is not supported on a FIFO queue; leave it out.');
  }
  checkDurationRange(scope, 'maxBatchingWindow', maxBatchingWindow, Duration.seconds(0), MAX_BATCHING_WINDOW);
  if (fifo) {
    checkIntegerRange(scope, 'batchSize', batchSize, 1, 10, ' for a FIFO queue');
  } else {
    checkIntegerRange(scope, 'batchSize', batchSize, 1, 10000, ' for a standard queue');
    const windowBelowOneSecond = !maxBatchingWindow || (!maxBatchingWindow.isUnresolved() && maxBatchingWindow.toSeconds() < 1);
    if (batchSize !== undefined && !Token.isUnresolved(batchSize) && batchSize > 10 && windowBelowOneSecond) {
      throw propError(scope, 'batchSize', `above 10 (got ${batchSize}) needs a maxBatchingWindow of at least 1 second.`);
    }
  }
  checkIntegerRange(scope, 'maxConcurrency', maxConcurrency, MAX_CONCURRENCY.min, MAX_CONCURRENCY.max);
}

/** Six times the function timeout plus the batching window; undefined when a token hides it. */
function minimumVisibility(timeout: Duration, window?: Duration): Duration | undefined {
  if (timeout.isUnresolved() || window?.isUnresolved()) return undefined;
  return Duration.seconds(timeout.toSeconds() * VISIBILITY_FACTOR + (window?.toSeconds() ?? 0));
}

/** What can be checked on a given queue becomes a warning: the queue is not ours to change. */
function warnAboutGivenQueue(scope: Construct, queue: sqs.IQueue, minVisibility?: Duration): void {
  if (!(queue instanceof sqs.Queue)) return;
  if (!queue.deadLetterQueue) {
    Annotations.of(scope).addWarningV2('cdk-ts-lambda:queueWithoutDlq', `The queue ${queue.node.path} has no dead-letter queue: a message that keeps failing is retried until it expires.`);
  }
  const cfn = queue.node.defaultChild as sqs.CfnQueue;
  const visibility = typeof cfn.visibilityTimeout === 'number' ? Duration.seconds(cfn.visibilityTimeout) : SQS_DEFAULT_VISIBILITY;
  if (minVisibility && visibility.toSeconds() < minVisibility.toSeconds()) {
    Annotations.of(scope).addWarningV2('cdk-ts-lambda:queueVisibilityTooShort', `The queue ${queue.node.path} has a visibility timeout of ${visibility.toHumanString()}, less than six times the function timeout plus the batching window (${minVisibility.toHumanString()}): messages being processed may be delivered again.`);
  }
}
