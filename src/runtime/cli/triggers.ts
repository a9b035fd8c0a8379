/**
 * What sends events to a function, read from its stack's template: the
 * queue, topic, bucket, rule or stream, with the names and ARNs an event of
 * it carries. Used to shape `ts-lambda events new` and the event of
 * `ts-lambda invoke FN` without one.
 *
 * Names that CloudFormation generates at deploy time (a queue without
 * `QueueName`...) are unknown before deploying: they are given as
 * `<stack>-<logical id>`, which is how CloudFormation starts them.
 */
import { referencedId } from './tokens';

/** A resource that invokes a function. */
export interface TriggerSource {
  /** The event type of `ts-lambda events new`: sqs, sns, s3, eventbridge, schedule, dynamodb, kinesis. */
  readonly type: string;
  /** The logical id of the queue, topic, bucket, rule, table or stream. */
  readonly logicalId: string;
  /** Its name: the template's when set there, else `<stack>-<logical id>`. */
  readonly name: string;
  /** S3: the notification's events (`s3:ObjectCreated:*`) and key filter. */
  readonly s3?: { readonly events: readonly string[]; readonly prefix?: string; readonly suffix?: string };
  /** EventBridge: the rule's pattern's first source and detail-type. */
  readonly pattern?: { readonly source?: string; readonly detailType?: string };
}

interface Resource {
  readonly Type: string;
  readonly Properties?: any;
}

/** Name of a resource: its name property when a literal, else `<stack>-<logicalId>`. */
function nameOf(stack: string, logicalId: string, resource: Resource | undefined, property: string): string {
  const literal = resource?.Properties?.[property];
  return typeof literal === 'string' ? literal : `${stack}-${logicalId}`;
}

/** The first literal string of a pattern field (`["aws.ec2"]` or `"aws.ec2"`). */
function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === 'string');
  return undefined;
}

/** S3 key filter rules (`prefix`, `suffix`) of a notification. */
function keyFilter(filter: any): { prefix?: string; suffix?: string } {
  const rules: any[] = filter?.S3Key?.Rules ?? filter?.Key?.FilterRules ?? [];
  const rule = (name: string) => rules.find((r) => String(r.Name).toLowerCase() === name)?.Value;
  return { prefix: rule('prefix'), suffix: rule('suffix') };
}

/**
 * Every (function path, source) pair of a stack. `functionOf` maps an ARN
 * expression to the path of the function it points at.
 */
export function readTriggerSources(
  stack: string,
  resources: Readonly<Record<string, Resource>>,
  functionOf: (value: unknown) => string | undefined,
): Array<{ fnPath: string; source: TriggerSource }> {
  const found: Array<{ fnPath: string; source: TriggerSource }> = [];
  const add = (fnPath: string | undefined, source: TriggerSource) => {
    if (fnPath) found.push({ fnPath, source });
  };
  for (const [logicalId, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::Lambda::EventSourceMapping': {
        const id = referencedId(p.EventSourceArn);
        const source = id ? resources[id] : undefined;
        if (source?.Type === 'AWS::SQS::Queue') add(functionOf(p.FunctionName), { type: 'sqs', logicalId: id!, name: nameOf(stack, id!, source, 'QueueName') });
        if (source?.Type === 'AWS::Kinesis::Stream') add(functionOf(p.FunctionName), { type: 'kinesis', logicalId: id!, name: nameOf(stack, id!, source, 'Name') });
        if (source?.Type === 'AWS::DynamoDB::Table' || source?.Type === 'AWS::DynamoDB::GlobalTable') {
          add(functionOf(p.FunctionName), { type: 'dynamodb', logicalId: id!, name: nameOf(stack, id!, source, 'TableName') });
        }
        break;
      }
      case 'AWS::SNS::Subscription': {
        if (p.Protocol !== 'lambda') break;
        const id = referencedId(p.TopicArn);
        if (id) add(functionOf(p.Endpoint), { type: 'sns', logicalId: id, name: nameOf(stack, id, resources[id], 'TopicName') });
        break;
      }
      case 'AWS::Events::Rule': {
        for (const target of p.Targets ?? []) {
          const pattern = p.EventPattern ?? {};
          add(functionOf(target.Arn), p.ScheduleExpression
            ? { type: 'schedule', logicalId, name: nameOf(stack, logicalId, r, 'Name') }
            : {
              type: 'eventbridge',
              logicalId,
              name: nameOf(stack, logicalId, r, 'Name'),
              pattern: { source: firstString(pattern.source), detailType: firstString(pattern['detail-type']) },
            });
        }
        break;
      }
      // CDK's bucket.addEventNotification (a custom resource), or a bucket's own configuration
      case 'Custom::S3BucketNotifications':
      case 'AWS::S3::Bucket': {
        const config = p.NotificationConfiguration;
        const bucketId = r.Type === 'AWS::S3::Bucket' ? logicalId : referencedId(p.BucketName);
        if (!bucketId) break;
        for (const c of config?.LambdaFunctionConfigurations ?? config?.LambdaConfigurations ?? []) {
          const events = c.Events ?? (c.Event ? [c.Event] : []);
          add(functionOf(c.LambdaFunctionArn ?? c.Function), {
            type: 's3',
            logicalId: bucketId,
            name: nameOf(stack, bucketId, resources[bucketId], 'BucketName').toLowerCase(),
            s3: { events, ...keyFilter(c.Filter) },
          });
        }
        break;
      }
    }
  }
  return found;
}
