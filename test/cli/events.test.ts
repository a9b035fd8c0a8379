/**
 * `ts-lambda events`: the catalog of real payloads (every file of
 * src/runtime/cli/events, grouped by service), the project's own events,
 * `events new TYPE --set ...` shaped by a function's trigger, and the event
 * `invoke` sends when none is given. Driven as a user drives it, against a
 * cloud assembly the CLI synthesizes from test/cli/fixtures/triggers-app.ts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, synthApp } from './helpers';

const EVENTS_DIR = join(__dirname, '..', '..', 'src', 'runtime', 'cli', 'events');
const FILES = readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.json') && f !== 'index.json');
const fixture = (file: string) => JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8'));

let assembly: string;
beforeAll(() => {
  assembly = synthApp('test/cli/fixtures/triggers-app.ts').dir;
}, 300_000);

function json(args: string[], cwd?: string): any {
  const r = runCli(args, { cwd });
  if (r.code !== 0) throw new Error(`ts-lambda ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('the catalog', () => {
  test('every payload file is in it once, 145 from aws-lambda-rust-runtime, with unique names and a service', () => {
    const list: any[] = json(['events', '--json']);
    expect(FILES.length).toBe(153);
    expect(list.map((e) => e.file).sort()).toEqual([...FILES].sort());
    expect(list.filter((e) => e.file.startsWith('example-'))).toHaveLength(145);
    expect(new Set(list.map((e) => e.name)).size).toBe(list.length);
    expect(JSON.parse(readFileSync(join(EVENTS_DIR, 'index.json'), 'utf8')).sort()).toEqual([...FILES].sort());
    const count = (service: string) => list.filter((e) => e.service === service).length;
    expect([count('cognito'), count('apigw-rest'), count('apigw-http'), count('s3'), count('s3-object-lambda'), count('sqs'), count('cloudformation')])
      .toEqual([20, 16, 11, 2, 5, 5, 8]);
    expect(list.filter((e) => e.response).map((e) => e.file)).toContain('example-sqs-batch-response.json');
    expect(list.filter((e) => e.response).every((e) => /-response/.test(e.file))).toBe(true);
  });

  test('listed grouped by service: each heading counts the events under it, 36 services, 153 events', () => {
    const r = runCli(['events']);
    expect(r.code).toBe(0);
    const groups = r.stdout.trim().split(/\n\n/);
    expect(groups).toHaveLength(36);
    let total = 0;
    for (const group of groups) {
      const [heading, ...rows] = group.split('\n');
      const m = /^(.+) \((\d+)\)$/.exec(heading);
      expect(m).not.toBeNull();
      expect(rows).toHaveLength(Number(m![2]));
      total += rows.length;
    }
    expect(total).toBe(153);
    expect(r.stdout).toMatch(/^S3 \(2\)\n {2}s3-event-with-decoded\n {2}s3-event\n/m);
    expect(r.stdout).toMatch(/^Secrets Manager rotation \(1\)\n {2}secretsmanager-secret-rotation-event\n/m);
    expect(r.stdout).toMatch(/^ {2}sqs-batch-response +\(a response, not an event\)/m);
    expect(r.stderr).toMatch(/153 real payloads of 36 services/);
  });

  test.each([
    ['cognito-event-userpools-presignup', 'example-cognito-event-userpools-presignup.json'],
    ['secretsmanager-secret-rotation-event', 'example-secretsmanager-secret-rotation-event.json'],
    ['bedrock-agent-runtime-event', 'example-bedrock-agent-runtime-event.json'],
    ['example-cloudwatch_logs-event.json', 'example-cloudwatch_logs-event.json'],
    ['sqs', 'example-sqs-event.json'],
  ])('events %s prints the real payload', (name, file) => {
    expect(json(['events', name])).toEqual(fixture(file));
  });

  test('invoke --example takes any of them: the function gets the payload as it is', () => {
    const got = json(['invoke', 'Alone', '--assembly', assembly, '--example', 'cloudformation-custom-resource-create-request']);
    expect(got).toEqual(fixture('example-cloudformation-custom-resource-create-request.json'));
  });

  test('the licence of the payloads travels with the CLI asset', () => {
    const assets = join(__dirname, '..', '..', 'assets', 'cli', 'events');
    expect(readFileSync(join(assets, 'LICENSE-aws-lambda-rust-runtime'), 'utf8')).toMatch(/^MIT License/);
    expect(readFileSync(join(assets, 'README.md'), 'utf8')).toMatch(/example-s3-event\.json \| awslabs\/aws-lambda-rust-runtime@4c4e5fa/);
  });
});

describe("the project's events", () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'events-project-'));
    mkdirSync(join(project, 'events'));
    writeFileSync(join(project, 'events', 'order-placed.json'), JSON.stringify({ orderId: 7 }));
    writeFileSync(join(project, 'events', 'sqs.json'), JSON.stringify({ mine: true }));
    mkdirSync(join(project, 'other'));
    writeFileSync(join(project, 'other', 'refund.json'), JSON.stringify({ refund: 1 }));
    writeFileSync(join(project, 'other', 'broken.json'), '{');
  });

  test('./events is listed first, beside the catalog', () => {
    const r = runCli(['events'], { cwd: project });
    expect(r.stdout).toMatch(/^Your events \(.*events\) \(2\)\n {2}order-placed\n {2}sqs\n\nAPI Gateway HTTP API \(11\)/);
    expect(r.stderr).toMatch(/153 real payloads .*, and 2 of yours/);
  });

  test('--example NAME sends one; a name of yours wins over the catalog', () => {
    expect(json(['invoke', 'Alone', '--assembly', assembly, '--example', 'order-placed'], project)).toEqual({ orderId: 7 });
    expect(json(['invoke', 'Alone', '--assembly', assembly, '--example', 'sqs'], project)).toEqual({ mine: true });
  });

  test('--events-dir DIR instead of ./events; a broken file or folder is named', () => {
    expect(json(['events', 'refund', '--events-dir', join(project, 'other')])).toEqual({ refund: 1 });
    expect(json(['invoke', 'Alone', '--assembly', assembly, '--events-dir', join(project, 'other'), '--example', 'refund'])).toEqual({ refund: 1 });
    const broken = runCli(['events', 'broken', '--events-dir', join(project, 'other')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/the event .*other\/broken\.json is not valid JSON/);
    const missing = runCli(['events', '--events-dir', join(project, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--events-dir .*nope: no such folder/);
  });
});

describe('events new TYPE --set path=value', () => {
  test('sqs: one record, body and a message attribute set, md5OfBody of the new body', () => {
    const e = json(['events', 'new', 'sqs', '--set', 'body={"id":1}', '--set', 'attributes.tenant=acme']);
    expect(e.Records).toHaveLength(1);
    expect(e.Records[0].body).toBe('{"id":1}');
    expect(e.Records[0].md5OfBody).toBe(createHash('md5').update('{"id":1}').digest('hex'));
    expect(e.Records[0].messageAttributes.tenant).toEqual({ stringValue: 'acme', stringListValues: [], binaryListValues: [], dataType: 'String' });
    expect(e.Records[0].eventSourceARN).toBe(fixture('example-sqs-event.json').Records[0].eventSourceARN);
  });

  test("sqs --function: the queue's ARN from the template, in --region", () => {
    const e = json(['events', 'new', 'sqs', '--function', 'FromQueue', '--assembly', assembly, '--region', 'eu-west-1']);
    expect(e.Records[0].eventSourceARN).toBe('arn:aws:sqs:eu-west-1:123456789012:orders-queue');
    expect(e.Records[0].awsRegion).toBe('eu-west-1');
  });

  test("s3 --function: the bucket, the notification's event and key filter; --set key URL-encodes", () => {
    const r = json(['events', 'new', 's3', '--function', 'FromBucket', '--assembly', assembly]).Records[0];
    expect([r.eventName, r.s3.bucket.name, r.s3.bucket.arn, r.s3.object.key]).toEqual(['ObjectCreated:Put', 'my-uploads', 'arn:aws:s3:::my-uploads', 'in/example.csv']);
    const set = json(['events', 'new', 's3', '--set', 'bucket=b2', '--set', 'key=in/a b.csv', '--set', 'size=5']).Records[0];
    expect([set.s3.bucket.name, set.s3.bucket.arn, set.s3.object.key, set.s3.object.size]).toEqual(['b2', 'arn:aws:s3:::b2', 'in/a+b.csv', 5]);
  });

  test("eventbridge --function: source and detail-type from the rule's pattern, detail fields set as JSON", () => {
    const e = json(['events', 'new', 'eventbridge', '--function', 'FromRule', '--assembly', assembly, '--set', 'detail.orderId=42', '--set', 'detail.note=hi']);
    expect(e).toMatchObject({ 'source': 'shop.orders', 'detail-type': 'OrderPlaced', 'detail': { orderId: 42, note: 'hi' }, 'resources': [] });
  });

  test('sns, kinesis, dynamodb, schedule', () => {
    const sns = json(['events', 'new', 'sns', '--function', 'FromTopic', '--assembly', assembly, '--set', 'message=hello']).Records[0];
    expect(sns.Sns.TopicArn).toMatch(/^arn:aws:sns:us-east-1:123456789012:Triggers-Alerts[0-9A-F]{8}$/);
    expect(sns.Sns.Message).toBe('hello');
    expect(Buffer.from(json(['events', 'new', 'kinesis', '--set', 'data={"a":1}']).Records[0].kinesis.data, 'base64').toString()).toBe('{"a":1}');
    expect(json(['events', 'new', 'dynamodb', '--function', 'FromStream', '--assembly', assembly]).Records[0].eventSourceARN)
      .toMatch(/^arn:aws:dynamodb:us-east-1:123456789012:table\/Triggers-Items[0-9A-F]{8}\/stream\//);
    expect(json(['events', 'new', 'schedule', '--function', 'FromSchedule', '--assembly', assembly]).resources)
      .toEqual([expect.stringMatching(/^arn:aws:events:us-east-1:123456789012:rule\/Triggers-Nightly/)]);
  });

  test('http: method, path (both places), body, a header lowercased', () => {
    const e = json(['events', 'new', 'http', '--set', 'method=post', '--set', 'path=/orders', '--set', 'body={"a":1}', '--set', 'header.X-Tenant=acme']);
    expect(e).toMatchObject({ rawPath: '/orders', body: '{"a":1}', requestContext: { http: { method: 'POST', path: '/orders' } } });
    expect(e.headers['x-tenant']).toBe('acme');
    expect(e.headers['X-Tenant']).toBeUndefined();
  });

  test("list --json names each function's sources", () => {
    const fns: any[] = json(['list', '--assembly', assembly, '--json']);
    expect(fns.find((f) => f.path === 'Triggers/FromBucket')).toMatchObject({
      triggers: ['s3'],
      sources: [{ type: 's3', name: 'my-uploads', s3: { events: ['s3:ObjectCreated:*'], prefix: 'in/', suffix: '.csv' } }],
    });
    expect(fns.find((f) => f.path === 'Triggers/Alone')).toMatchObject({ triggers: [], sources: [] });
  });

  test.each([
    ['an unknown type', ['events', 'new', 'sqsq'], /no event type 'sqsq'; types: sqs, sns, s3, eventbridge/],
    ['a field the event lacks', ['events', 'new', 'sqs', '--set', 'bdy=1'], /--set bdy: a sqs event has no field 'bdy'. Shorthands: body, queue, attributes.NAME; fields: Records/],
    ['no =', ['events', 'new', 'sqs', '--set', 'body'], /--set body: write path=value/],
    ['no type', ['events', 'new'], /which type\?.*\n.*sqs/],
    ['an option of events new without new', ['events', '--set', 'body=1'], /--set: not an option of `events \[NAME\]`/],
    ['a listing option with new', ['events', 'new', 'sqs', '--json'], /--json: not an option of `events new`/],
  ])('%s: a clear error', (_name, args, message) => {
    const r = runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('invoke FN with no event: the event of its trigger', () => {
  test.each([
    ['FromQueue', (e: any) => e.Records[0].eventSourceARN, 'arn:aws:sqs:us-east-1:123456789012:orders-queue', /sending an event of its sqs trigger Orders[0-9A-F]{8} \(orders-queue\)/],
    ['FromBucket', (e: any) => e.Records[0].s3.object.key, 'in/example.csv', /its s3 trigger Uploads/],
    ['FromRule', (e: any) => e.source, 'shop.orders', /its eventbridge trigger OrderPlaced/],
  ])('%s', (fn, pick, expected, note) => {
    const r = runCli(['invoke', fn, '--assembly', assembly]);
    expect(r.code).toBe(0);
    expect(pick(JSON.parse(r.stdout))).toBe(expected);
    expect(r.stderr).toMatch(note);
  });

  test('a function without a trigger gets {}', () => {
    const r = runCli(['invoke', 'Alone', '--assembly', assembly]);
    expect(JSON.parse(r.stdout)).toEqual({});
    expect(r.stderr).toMatch(/no event given, sending \{\}/);
  });
});
