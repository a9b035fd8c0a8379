/**
 * The event catalog of `ts-lambda events`: real payloads of every service in
 * events/ (attribution in events/README.md), bundled into the CLI; the
 * project's own events (an `events/` folder, or --events-dir) beside them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './errors';
import CATALOG_FILES from './events/index.json';
import { editDistance } from './find';

/** An event of the catalog or of the project. */
export interface SampleEvent {
  /** What `--example` takes. */
  readonly name: string;
  /** The file: in the catalog (events/, see events/README.md for its origin), or the project's. */
  readonly file: string;
  /** The service, a key of SERVICES, or `custom` for the project's events. */
  readonly service: string;
  readonly description: string;
  /** A response or result shape (what a function returns), not an event Lambda sends. */
  readonly response: boolean;
  /** The payload, read when asked for. */
  event(): unknown;
}

/** Services of the catalog: key → title, in listing order. */
export const SERVICES: Readonly<Record<string, string>> = {
  'apigw-http': 'API Gateway HTTP API',
  'apigw-rest': 'API Gateway REST API',
  'apigw-websocket': 'API Gateway WebSocket API',
  'alb': 'Application Load Balancer',
  'sqs': 'SQS',
  'sns': 'SNS',
  's3': 'S3',
  's3-object-lambda': 'S3 Object Lambda',
  'eventbridge': 'EventBridge',
  'dynamodb': 'DynamoDB Streams',
  'kinesis': 'Kinesis Data Streams',
  'firehose': 'Data Firehose',
  'kafka': 'Kafka (Amazon MSK, self-managed)',
  'activemq': 'Amazon MQ for ActiveMQ',
  'rabbitmq': 'Amazon MQ for RabbitMQ',
  'documentdb': 'DocumentDB change streams',
  'cloudwatch-logs': 'CloudWatch Logs subscription',
  'cloudwatch-alarm': 'CloudWatch alarms',
  'cloudtrail': 'CloudTrail via EventBridge',
  'cognito': 'Cognito user pool triggers and sync',
  'appsync': 'AppSync resolvers and authorizers',
  'cloudformation': 'CloudFormation custom resources',
  'secretsmanager': 'Secrets Manager rotation',
  'bedrock-agent': 'Bedrock agents',
  'lex': 'Lex',
  'connect': 'Amazon Connect',
  'ses': 'SES',
  'iot': 'IoT',
  'config': 'AWS Config rules',
  'autoscaling': 'EC2 Auto Scaling',
  'codecommit': 'CodeCommit',
  'codebuild': 'CodeBuild',
  'codedeploy': 'CodeDeploy',
  'codepipeline': 'CodePipeline',
  'ecr': 'ECR image scans',
  'clientvpn': 'Client VPN connection handler',
};

/** File-name prefix → service, most specific first. */
const SERVICE_PREFIXES: ReadonlyArray<[string, string]> = [
  ['powertools-ts-kafka', 'kafka'], ['powertools-python-kafka', 'kafka'], ['powertools-ts-sqs', 'sqs'],
  ['powertools-ts-http', 'apigw-http'], ['powertools-ts-rest', 'apigw-rest'],
  ['example-apigw-v2-custom-authorizer-websocket', 'apigw-websocket'], ['example-apigw-websocket', 'apigw-websocket'],
  ['example-apigw-v2', 'apigw-http'], ['example-apigw', 'apigw-rest'],
  ['example-cloudwatch-alarm', 'cloudwatch-alarm'], ['example-cloudwatch-cloudtrail', 'cloudtrail'], ['example-cloudwatch_logs', 'cloudwatch-logs'],
  ['example-code_commit', 'codecommit'], ['example-kinesis-firehose', 'firehose'], ['example-s3-object-lambda', 's3-object-lambda'],
  ['example-bedrock-agent', 'bedrock-agent'],
  ...Object.keys(SERVICES).map((key): [string, string] => [`example-${key}`, key]),
];

/** Friendly names of the events one reaches for most (the rest are named after their file). */
const NAMED: ReadonlyArray<{ name: string; file: string; description: string }> = [
  { name: 'http', file: 'example-apigw-v2-request-no-authorizer.json', description: 'HTTP API (payload 2.0), GET /, no authorizer' },
  { name: 'http-post', file: 'powertools-ts-http-no-auth.json', description: 'HTTP API (payload 2.0), POST /lambda with a bearer token, no authorizer' },
  { name: 'http-jwt', file: 'example-apigw-v2-request-jwt-authorizer.json', description: 'HTTP API (payload 2.0) behind a JWT authorizer (claims in requestContext.authorizer.jwt)' },
  { name: 'http-lambda-authorizer', file: 'example-apigw-v2-request-lambda-authorizer.json', description: 'HTTP API (payload 2.0) behind a Lambda authorizer (requestContext.authorizer.lambda)' },
  { name: 'http-iam', file: 'example-apigw-v2-request-iam.json', description: 'HTTP API (payload 2.0) with IAM authorization' },
  { name: 'http-multi-value', file: 'example-apigw-v2-request-multi-value-parameters.json', description: 'HTTP API (payload 2.0) with repeated headers and query parameters' },
  { name: 'http-authorizer', file: 'example-apigw-v2-custom-authorizer-v2-request.json', description: 'HTTP API Lambda authorizer request, payload 2.0' },
  { name: 'http-authorizer-no-cookies', file: 'example-apigw-v2-custom-authorizer-v2-request-without-cookies.json', description: 'HTTP API Lambda authorizer request, payload 2.0, no cookies' },
  { name: 'http-authorizer-no-identity', file: 'example-apigw-v2-custom-authorizer-v2-request-without-identity-source.json', description: 'HTTP API Lambda authorizer request, payload 2.0, no identity source' },
  { name: 'http-authorizer-bearer', file: 'powertools-ts-http-authorizer-request.json', description: 'HTTP API Lambda authorizer request, payload 2.0, with a bearer token' },
  { name: 'http-authorizer-v1', file: 'example-apigw-v2-custom-authorizer-v1-request.json', description: 'HTTP API Lambda authorizer request, payload 1.0' },
  { name: 'rest-token', file: 'powertools-ts-rest-authorizer-token.json', description: 'REST API TOKEN authorizer request' },
  { name: 'rest-token-allow', file: 'example-apigw-custom-auth-request.json', description: 'REST API TOKEN authorizer request (token "allow")' },
  { name: 'rest-request-authorizer', file: 'example-apigw-custom-auth-request-type-request.json', description: 'REST API REQUEST authorizer request' },
  { name: 'rest', file: 'example-apigw-sam-http-request.json', description: 'HTTP request event as SAM local builds it' },
  { name: 'sqs', file: 'example-sqs-event.json', description: 'SQS batch of records' },
  { name: 'sqs-json', file: 'example-sqs-event-obj.json', description: 'SQS batch whose bodies are JSON objects' },
  { name: 'sqs-powertools', file: 'powertools-ts-sqs.json', description: 'SQS batch of two records' },
  { name: 'kafka', file: 'example-kafka-event.json', description: 'Amazon MSK batch (one record)' },
  { name: 'kafka-json', file: 'powertools-ts-kafka-json.json', description: 'Amazon MSK batch with JSON values' },
  { name: 'kafka-avro', file: 'powertools-ts-kafka-avro.json', description: 'Amazon MSK batch with Avro values' },
  { name: 'kafka-msk', file: 'powertools-python-kafka-msk.json', description: 'Amazon MSK batch' },
  { name: 'kafka-self-managed', file: 'powertools-python-kafka-self-managed.json', description: 'Self-managed Apache Kafka batch' },
];

/** A catalog file's service (an Error for a file no prefix covers: a test keeps that from shipping). */
export function serviceOf(file: string): string {
  const hit = SERVICE_PREFIXES.find(([prefix]) => file.startsWith(prefix));
  if (!hit) throw new Error(`events/${file}: no service for it in SERVICE_PREFIXES`);
  return hit[1];
}

/** A catalog payload. The template literal makes esbuild bundle every events/*.json. */
function catalogPayload(file: string): unknown {
  const base = file.replace(/\.json$/, '');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`./events/${base}.json`);
}

/** Every event of the catalog: the named ones first, then by file. */
export const CATALOG: readonly SampleEvent[] = (CATALOG_FILES as string[]).map((file) => {
  const named = NAMED.find((n) => n.file === file);
  return {
    name: named?.name ?? file.replace(/^example-/, '').replace(/\.json$/, ''),
    file,
    service: serviceOf(file),
    description: named?.description ?? '',
    response: /-response/.test(file),
    event: () => catalogPayload(file),
  };
});

/** The project's events: every *.json of `dir`, named after the file. */
export function customEvents(dir: string): SampleEvent[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json') && statSync(join(dir, f)).isFile()).sort().map((f) => {
    const file = join(dir, f);
    return {
      name: f.replace(/\.json$/, ''),
      file,
      service: 'custom',
      description: '',
      response: false,
      event: () => {
        try {
          return JSON.parse(readFileSync(file, 'utf8'));
        } catch (err) {
          throw new CliError(`the event ${file} is not valid JSON: ${(err as Error).message}`);
        }
      },
    };
  });
}

/**
 * The project's events folder: `--events-dir DIR` (which must exist), else
 * `events/` of the current directory when there is one.
 */
export function eventsDir(option: string | undefined): string | undefined {
  if (option !== undefined) {
    const dir = resolve(option);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`--events-dir ${option}: no such folder`, 2);
    return dir;
  }
  const dir = resolve('events');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined;
}

/** The events one can name: the project's first (they win a name clash), then the catalog. */
export function allEvents(dir: string | undefined): SampleEvent[] {
  return [...(dir ? customEvents(dir) : []), ...CATALOG];
}

/** The event called `name` (or its file name), or a CliError with the closest names. */
export function sampleEvent(name: string, dir?: string): SampleEvent {
  const events = allEvents(dir);
  const found = events.find((e) => e.name === name)
    ?? events.find((e) => e.file === name || e.file === `${name}.json` || e.file === `example-${name}.json`);
  if (found) return found;
  const close = [...events].sort((a, b) => editDistance(name, a.name) - editDistance(name, b.name)).slice(0, 3);
  throw new CliError(`no sample event '${name}'. Did you mean: ${close.map((e) => e.name).join(', ')}? (\`ts-lambda events\` lists them all.)`);
}
