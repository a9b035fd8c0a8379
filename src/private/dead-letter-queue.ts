import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How a consumer's dead-letter queue is made. */
export interface DeadLetterQueueOptions {
  /** A FIFO queue (for the dead letters of a FIFO queue). */
  readonly fifo?: boolean;
  /** Server-side encryption; SQS-managed keys unless a KMS key is given. */
  readonly encryptionKey?: kms.IKey;
}

/** Dead letters stay as long as SQS allows, so that someone can look at them. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * A dead-letter queue with the defaults every consumer of this library
 * shares: the longest retention (14 days), server-side encryption (SQS-managed
 * unless a KMS key is given) and TLS-only access.
 */
export function createDeadLetterQueue(scope: Construct, id: string, options: DeadLetterQueueOptions = {}): sqs.Queue {
  return new sqs.Queue(scope, id, {
    fifo: options.fifo ? true : undefined,
    retentionPeriod: DEAD_LETTER_RETENTION,
    ...encryptionProps(options.encryptionKey),
    enforceSSL: true,
  });
}

/** The queue props that turn on server-side encryption. */
export function encryptionProps(key?: kms.IKey): Pick<sqs.QueueProps, 'encryption' | 'encryptionMasterKey'> {
  return key
    ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
    : { encryption: sqs.QueueEncryption.SQS_MANAGED };
}

/**
 * An alarm that fires as soon as one message waits in a dead-letter queue:
 * a dead letter is a message that the consumer gave up on.
 */
export function createDeadLetterAlarm(scope: Construct, id: string, queue: sqs.IQueue, action?: cloudwatch.IAlarmAction): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Messages are waiting in the dead-letter queue ${queue.node.path}: the consumer failed to process them.`,
  });
  if (action) alarm.addAlarmAction(action);
  return alarm;
}
