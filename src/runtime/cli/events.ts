/**
 * The sample events bundled into the CLI: real payloads from AWS projects
 * (attribution in events/README.md), by friendly name.
 */
import { CliError } from './errors';
import eRestRequestAuthorizer from './events/example-apigw-custom-auth-request-type-request.json';
import eRestTokenAllow from './events/example-apigw-custom-auth-request.json';
import eRest from './events/example-apigw-sam-http-request.json';
import eHttpAuthorizerV1 from './events/example-apigw-v2-custom-authorizer-v1-request.json';
import eHttpAuthorizerNoCookies from './events/example-apigw-v2-custom-authorizer-v2-request-without-cookies.json';
import eHttpAuthorizerNoIdentity from './events/example-apigw-v2-custom-authorizer-v2-request-without-identity-source.json';
import eHttpAuthorizer from './events/example-apigw-v2-custom-authorizer-v2-request.json';
import eHttpIam from './events/example-apigw-v2-request-iam.json';
import eHttpJwt from './events/example-apigw-v2-request-jwt-authorizer.json';
import eHttpLambdaAuthorizer from './events/example-apigw-v2-request-lambda-authorizer.json';
import eHttpMultiValue from './events/example-apigw-v2-request-multi-value-parameters.json';
import eHttp from './events/example-apigw-v2-request-no-authorizer.json';
import eKafka from './events/example-kafka-event.json';
import eSqsJson from './events/example-sqs-event-obj.json';
import eSqs from './events/example-sqs-event.json';
import eKafkaMsk from './events/powertools-python-kafka-msk.json';
import eKafkaSelfManaged from './events/powertools-python-kafka-self-managed.json';
import eHttpAuthorizerBearer from './events/powertools-ts-http-authorizer-request.json';
import eHttpPost from './events/powertools-ts-http-no-auth.json';
import eKafkaAvro from './events/powertools-ts-kafka-avro.json';
import eKafkaJson from './events/powertools-ts-kafka-json.json';
import eRestToken from './events/powertools-ts-rest-authorizer-token.json';
import eSqsPowertools from './events/powertools-ts-sqs.json';
import { editDistance } from './find';

export interface SampleEvent {
  /** What `--example` takes. */
  readonly name: string;
  /** The fixture file in events/ (see events/README.md for its origin). */
  readonly file: string;
  readonly description: string;
  readonly event: unknown;
}

export const SAMPLE_EVENTS: readonly SampleEvent[] = [
  { name: 'http', file: 'example-apigw-v2-request-no-authorizer.json', description: 'HTTP API (payload 2.0), GET /, no authorizer', event: eHttp },
  { name: 'http-post', file: 'powertools-ts-http-no-auth.json', description: 'HTTP API (payload 2.0), POST /lambda with a bearer token, no authorizer', event: eHttpPost },
  { name: 'http-jwt', file: 'example-apigw-v2-request-jwt-authorizer.json', description: 'HTTP API (payload 2.0) behind a JWT authorizer (claims in requestContext.authorizer.jwt)', event: eHttpJwt },
  { name: 'http-lambda-authorizer', file: 'example-apigw-v2-request-lambda-authorizer.json', description: 'HTTP API (payload 2.0) behind a Lambda authorizer (requestContext.authorizer.lambda)', event: eHttpLambdaAuthorizer },
  { name: 'http-iam', file: 'example-apigw-v2-request-iam.json', description: 'HTTP API (payload 2.0) with IAM authorization', event: eHttpIam },
  { name: 'http-multi-value', file: 'example-apigw-v2-request-multi-value-parameters.json', description: 'HTTP API (payload 2.0) with repeated headers and query parameters', event: eHttpMultiValue },
  { name: 'http-authorizer', file: 'example-apigw-v2-custom-authorizer-v2-request.json', description: 'HTTP API Lambda authorizer request, payload 2.0', event: eHttpAuthorizer },
  { name: 'http-authorizer-no-cookies', file: 'example-apigw-v2-custom-authorizer-v2-request-without-cookies.json', description: 'HTTP API Lambda authorizer request, payload 2.0, no cookies', event: eHttpAuthorizerNoCookies },
  { name: 'http-authorizer-no-identity', file: 'example-apigw-v2-custom-authorizer-v2-request-without-identity-source.json', description: 'HTTP API Lambda authorizer request, payload 2.0, no identity source', event: eHttpAuthorizerNoIdentity },
  { name: 'http-authorizer-bearer', file: 'powertools-ts-http-authorizer-request.json', description: 'HTTP API Lambda authorizer request, payload 2.0, with a bearer token', event: eHttpAuthorizerBearer },
  { name: 'http-authorizer-v1', file: 'example-apigw-v2-custom-authorizer-v1-request.json', description: 'HTTP API Lambda authorizer request, payload 1.0', event: eHttpAuthorizerV1 },
  { name: 'rest-token', file: 'powertools-ts-rest-authorizer-token.json', description: 'REST API TOKEN authorizer request', event: eRestToken },
  { name: 'rest-token-allow', file: 'example-apigw-custom-auth-request.json', description: 'REST API TOKEN authorizer request (token "allow")', event: eRestTokenAllow },
  { name: 'rest-request-authorizer', file: 'example-apigw-custom-auth-request-type-request.json', description: 'REST API REQUEST authorizer request', event: eRestRequestAuthorizer },
  { name: 'rest', file: 'example-apigw-sam-http-request.json', description: 'HTTP request event as SAM local builds it', event: eRest },
  { name: 'sqs', file: 'example-sqs-event.json', description: 'SQS batch of records', event: eSqs },
  { name: 'sqs-json', file: 'example-sqs-event-obj.json', description: 'SQS batch whose bodies are JSON objects', event: eSqsJson },
  { name: 'sqs-powertools', file: 'powertools-ts-sqs.json', description: 'SQS batch of two records', event: eSqsPowertools },
  { name: 'kafka', file: 'example-kafka-event.json', description: 'Amazon MSK batch (one record)', event: eKafka },
  { name: 'kafka-json', file: 'powertools-ts-kafka-json.json', description: 'Amazon MSK batch with JSON values', event: eKafkaJson },
  { name: 'kafka-avro', file: 'powertools-ts-kafka-avro.json', description: 'Amazon MSK batch with Avro values', event: eKafkaAvro },
  { name: 'kafka-msk', file: 'powertools-python-kafka-msk.json', description: 'Amazon MSK batch', event: eKafkaMsk },
  { name: 'kafka-self-managed', file: 'powertools-python-kafka-self-managed.json', description: 'Self-managed Apache Kafka batch', event: eKafkaSelfManaged },
];

/** The sample event called `name` (or its file name), or a CliError with the closest names. */
export function sampleEvent(name: string): SampleEvent {
  const found = SAMPLE_EVENTS.find((e) => e.name === name || e.file === name || e.file === `${name}.json`);
  if (found) return found;
  const close = [...SAMPLE_EVENTS].sort((a, b) => editDistance(name, a.name) - editDistance(name, b.name)).slice(0, 3);
  throw new CliError(`no sample event '${name}'. Did you mean: ${close.map((e) => e.name).join(', ')}? (\`ts-lambda events\` lists them all.)`);
}
