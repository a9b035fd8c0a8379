/**
 * `ts-lambda events new TYPE --set path=value ...`: an event of a type, from
 * the catalog's real payload of that type, with fields set, as
 * `sam local generate-event` does; ARNs and names from the function's
 * trigger in the template when there is one (see triggers.ts).
 */
import { createHash } from 'node:crypto';
import { TRIGGER_EVENTS } from './assembly';
import { CliError } from './errors';
import { sampleEvent } from './events';
import { TriggerSource } from './triggers';

/** A shorthand of `--set`: a name for a path (`[*]` is every record), and how the value is stored. */
interface Shorthand {
  readonly path: string;
  readonly help: string;
  readonly encode?: (value: string) => unknown;
  /** NAME is lowercased (header names) */
  readonly lowercase?: boolean;
}

/** A type of `events new`. */
interface EventType {
  /** The catalog event it starts from. */
  readonly base: string;
  readonly description: string;
  readonly shorthands: Readonly<Record<string, Shorthand>>;
  /** Names and ARNs of the trigger's resource put into the event. */
  fill(event: any, source: TriggerSource, at: Where): void;
}

/** Where the event happens: region and account. */
export interface Where {
  readonly region: string;
  readonly account: string;
}

const json = (value: string): unknown => {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};
/** S3 event keys are URL-encoded, spaces as `+` (as S3 sends them). */
const s3Key = (key: string): string => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
/** A record of every record of a batch event. */
const eachRecord = (event: any, f: (record: any) => void) => (event.Records ?? []).forEach(f);

export const EVENT_TYPES: Readonly<Record<string, EventType>> = {
  sqs: {
    base: 'example-sqs-event.json',
    description: 'SQS batch (one message)',
    shorthands: {
      'body': { path: 'Records[*].body', help: 'the message body (md5OfBody follows)', encode: String },
      'queue': { path: 'Records[*].eventSourceARN', help: 'the queue ARN' },
      'attributes.NAME': { path: 'Records[*].messageAttributes.NAME', help: 'a String message attribute', encode: (v) => ({ stringValue: v, stringListValues: [], binaryListValues: [], dataType: 'String' }) },
    },
    fill: (event, s, at) => eachRecord(event, (r) => {
      r.eventSourceARN = `arn:aws:sqs:${at.region}:${at.account}:${s.name}`;
      r.awsRegion = at.region;
    }),
  },
  sns: {
    base: 'example-sns-event.json',
    description: 'SNS notification (one record)',
    shorthands: {
      message: { path: 'Records[*].Sns.Message', help: 'the message', encode: String },
      subject: { path: 'Records[*].Sns.Subject', help: 'the subject', encode: String },
      topic: { path: 'Records[*].Sns.TopicArn', help: 'the topic ARN' },
    },
    fill: (event, s, at) => eachRecord(event, (r) => {
      r.Sns.TopicArn = `arn:aws:sns:${at.region}:${at.account}:${s.name}`;
      r.EventSubscriptionArn = `${r.Sns.TopicArn}:00000000-0000-0000-0000-000000000000`;
    }),
  },
  s3: {
    base: 'example-s3-event.json',
    description: 'S3 object notification (one record)',
    shorthands: {
      bucket: { path: 'Records[*].s3.bucket.name', help: 'the bucket name (its ARN follows)', encode: String },
      key: { path: 'Records[*].s3.object.key', help: 'the object key (URL-encoded as S3 sends it)', encode: s3Key },
      size: { path: 'Records[*].s3.object.size', help: 'the object size in bytes', encode: Number },
      eventName: { path: 'Records[*].eventName', help: 'e.g. ObjectCreated:Put, ObjectRemoved:Delete', encode: String },
    },
    fill: (event, s, at) => eachRecord(event, (r) => {
      r.awsRegion = at.region;
      r.s3.bucket.name = s.name;
      const first = s.s3?.events[0]?.replace(/^s3:/, '');
      if (first) r.eventName = first.replace(/\*$/, first.startsWith('ObjectRemoved') ? 'Delete' : 'Put');
      if (s.s3?.prefix || s.s3?.suffix) r.s3.object.key = s3Key(`${s.s3.prefix ?? ''}example${s.s3.suffix ?? ''}`);
    }),
  },
  eventbridge: {
    base: 'example-eventbridge-event-obj.json',
    description: 'EventBridge event',
    shorthands: {
      'detail': { path: 'detail', help: 'the detail (JSON)' },
      'detail.FIELD': { path: 'detail.FIELD', help: 'a field of the detail' },
      'source': { path: 'source', help: 'e.g. my.app', encode: String },
      'detail-type': { path: 'detail-type', help: 'e.g. OrderPlaced', encode: String },
    },
    fill: (event, s, at) => {
      event.region = at.region;
      event.account = at.account;
      if (s.pattern?.source) event.source = s.pattern.source;
      if (s.pattern?.detailType) event['detail-type'] = s.pattern.detailType;
      if (s.pattern?.source || s.pattern?.detailType) {
        event.resources = [];
        event.detail = {};
      }
    },
  },
  schedule: {
    base: 'example-eventbridge-schedule.json',
    description: 'EventBridge scheduled event',
    shorthands: { time: { path: 'time', help: 'the scheduled time (ISO 8601)', encode: String } },
    fill: (event, s, at) => {
      event.region = at.region;
      event.account = at.account;
      event.resources = [`arn:aws:events:${at.region}:${at.account}:rule/${s.name}`];
    },
  },
  dynamodb: {
    base: 'example-dynamodb-event.json',
    description: 'DynamoDB stream batch (one record)',
    shorthands: {
      eventName: { path: 'Records[*].eventName', help: 'INSERT, MODIFY or REMOVE', encode: String },
      keys: { path: 'Records[*].dynamodb.Keys', help: 'the keys, as DynamoDB JSON' },
      newImage: { path: 'Records[*].dynamodb.NewImage', help: 'the new image, as DynamoDB JSON' },
    },
    fill: (event, s, at) => eachRecord(event, (r) => {
      r.awsRegion = at.region;
      r.eventSourceARN = `arn:aws:dynamodb:${at.region}:${at.account}:table/${s.name}/stream/2024-01-01T00:00:00.000`;
    }),
  },
  kinesis: {
    base: 'example-kinesis-event.json',
    description: 'Kinesis batch (one record)',
    shorthands: {
      data: { path: 'Records[*].kinesis.data', help: 'the record data (base64-encoded for you)', encode: (v) => Buffer.from(v).toString('base64') },
      partitionKey: { path: 'Records[*].kinesis.partitionKey', help: 'the partition key', encode: String },
    },
    fill: (event, s, at) => eachRecord(event, (r) => {
      r.awsRegion = at.region;
      r.eventSourceARN = `arn:aws:kinesis:${at.region}:${at.account}:stream/${s.name}`;
    }),
  },
  http: {
    base: 'example-apigw-v2-request-no-authorizer.json',
    description: 'HTTP API request, payload 2.0 (serve builds these from real requests)',
    shorthands: {
      'method': { path: 'requestContext.http.method', help: 'GET, POST...', encode: (v) => v.toUpperCase() },
      'path': { path: 'rawPath', help: 'the request path (requestContext.http.path follows)', encode: String },
      'body': { path: 'body', help: 'the request body, as a string', encode: String },
      'header.NAME': { path: 'headers.NAME', help: 'a request header (its name lowercased, as HTTP APIs pass it)', encode: String, lowercase: true },
    },
    fill: () => undefined,
  },
};

/** Reads `a.b[0].c` / `Records[*].body` into segments; `*` is every element. */
function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[(?:\d+|\*)\])*)$/.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) throw new CliError(`--set ${path}: not a path (write a.b.c, a[0].b or Records[*].body)`, 2);
    if (m[1]) out.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+|\*)\]/g)) out.push(index[1]);
  }
  return out;
}

/** Sets `value` at `path` in `target`, creating objects on the way; `*` sets it in every element. */
function setPath(target: any, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === '*') {
    if (!Array.isArray(target)) throw new CliError('--set: [*] is for arrays', 2);
    for (const item of target) setPath(item, rest, value);
    return;
  }
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (target[head] === undefined || target[head] === null || typeof target[head] !== 'object') target[head] = /^\d+$/.test(rest[0]) ? [] : {};
  setPath(target[head], rest, value);
}

/** The shorthand `key` names, with its path (`attributes.NAME` → `...messageAttributes.<name>`). */
function shorthandFor(type: EventType, key: string): Shorthand | undefined {
  if (type.shorthands[key]) return type.shorthands[key];
  for (const [name, s] of Object.entries(type.shorthands)) {
    const m = /^(.*)\.(NAME|FIELD)$/.exec(name);
    const rest = key.slice(m?.[1].length ?? 0).replace(/^\./, '');
    if (m && key.startsWith(`${m[1]}.`)) return { ...s, path: s.path.replace(m[2], s.lowercase ? rest.toLowerCase() : rest) };
  }
  return undefined;
}

/** Help on the types of `events new` and their shorthands. */
export function eventTypesHelp(): string {
  return Object.entries(EVENT_TYPES).map(([name, t]) => [
    `  ${name.padEnd(12)}${t.description} (from ${t.base})`,
    ...Object.entries(t.shorthands).map(([k, s]) => `      --set ${`${k}=...`.padEnd(20)}${s.help}`),
  ].join('\n')).join('\n');
}

/** The type called `name`, or a CliError listing them. */
export function eventType(name: string): EventType {
  const type = EVENT_TYPES[name];
  if (!type) throw new CliError(`no event type '${name}'; types: ${Object.keys(EVENT_TYPES).join(', ')} (\`ts-lambda events new --help\`)`, 2);
  return type;
}

/**
 * A new event of `typeName`: the catalog's payload, its batch cut to one
 * record, the trigger's names put in (when given), then each `path=value`
 * set (a shorthand of the type, or a path into the event; values that parse
 * as JSON are JSON, others strings).
 */
export function generateEvent(typeName: string, sets: readonly string[], source: TriggerSource | undefined, at: Where): unknown {
  const type = eventType(typeName);
  const event: any = structuredClone(sampleEvent(type.base).event());
  if (Array.isArray(event.Records)) event.Records = event.Records.slice(0, 1);
  if (source) type.fill(event, source, at);
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new CliError(`--set ${set}: write path=value (e.g. --set ${Object.keys(type.shorthands)[0].replace(/\.(NAME|FIELD)$/, '.x')}=...)`, 2);
    const key = set.slice(0, eq);
    const text = set.slice(eq + 1);
    const shorthand = shorthandFor(type, key);
    const path = segments(shorthand?.path ?? key);
    if (!shorthand && !(path[0] in event)) {
      throw new CliError(`--set ${key}: a ${typeName} event has no field '${path[0]}'. `
        + `Shorthands: ${Object.keys(type.shorthands).join(', ')}; fields: ${Object.keys(event).join(', ')}`, 2);
    }
    setPath(event, path, shorthand?.encode ? shorthand.encode(text) : json(text));
  }
  if (typeName === 'sqs') eachRecord(event, (r) => { r.md5OfBody = createHash('md5').update(String(r.body)).digest('hex'); });
  if (typeName === 'http') event.requestContext.http.path = event.rawPath;
  if (typeName === 's3') eachRecord(event, (r) => { r.s3.bucket.arn = `arn:aws:s3:::${r.s3.bucket.name}`; });
  return event;
}

/** The trigger source of a function that fits `type`, if any. */
export function sourceFor(sources: readonly TriggerSource[], type: string): TriggerSource | undefined {
  return sources.find((s) => s.type === type);
}

/**
 * The event of `invoke FN` when none is given: for a function with a
 * trigger, an event of its type shaped with the trigger's queue, topic,
 * bucket, rule or stream (or the catalog's event of its HTTP or Kafka
 * trigger); `{}` otherwise. With a line that says which.
 */
export function defaultEvent(
  fn: { readonly triggers: readonly string[]; readonly sources: readonly TriggerSource[] },
  at: Where,
): { event: unknown; note: string } {
  const source = fn.sources.find((s) => EVENT_TYPES[s.type] !== undefined);
  if (source) {
    return {
      event: generateEvent(source.type, [], source, at),
      note: `no event given, sending an event of its ${source.type} trigger ${source.logicalId} (${source.name}); \`ts-lambda events new ${source.type} --function ...\` shapes one with --set`,
    };
  }
  const kind = fn.triggers.find((t) => TRIGGER_EVENTS[t] !== undefined);
  if (kind) {
    return { event: sampleEvent(TRIGGER_EVENTS[kind]).event(), note: `no event given, sending --example ${TRIGGER_EVENTS[kind]} (its ${kind} trigger sends events like it)` };
  }
  return { event: {}, note: 'no event given, sending {}' };
}
