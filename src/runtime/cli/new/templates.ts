/**
 * The project templates of `ts-lambda new` and the versions their
 * package.json pins. The files are in the package's templates/ folder
 * (templates/README.md says how they are laid out).
 */

/**
 * Versions a generated project installs: the set this release is built and
 * tested with (see the README's "Versions that work together"); a test
 * (test/cli/new.test.ts) checks them against this repository's lockfile.
 */
export const PINNED_VERSIONS = {
  'aws-cdk-lib': '2.245.0',
  'constructs': '10.5.1',
  'aws-cdk': '2.1115.1',
  'esbuild': '0.28.2',
  'tsx': '4.23.15',
  'typescript': '5.9.3',
  'jest': '30.5.2',
  'ts-jest': '29.4.15',
  '@types/jest': '30.0.0',
  '@types/node': '20.19.43',
  '@types/aws-lambda': '8.10.164',
  '@aws-lambda-powertools/batch': '2.35.0',
  '@aws-lambda-powertools/kafka': '2.35.0',
  '@aws-lambda-powertools/logger': '2.36.0',
} as const;

/** The Bun version of the `bun` template (the one this release's tests run). */
export const BUN_VERSION = '1.4.5';

export type PinnedPackage = keyof typeof PINNED_VERSIONS;

/** One template: what it makes, and what `invoke` sends it. */
export interface AppTemplate {
  readonly name: string;
  readonly description: string;
  /** the function to invoke, as `ts-lambda invoke` takes it (a construct path suffix) */
  readonly function: string;
  /** the event in the project's events/ folder */
  readonly event: string;
  /** runtime packages the handler imports (bundled into the asset) */
  readonly dependencies: readonly PinnedPackage[];
}

export const TEMPLATES: readonly AppTemplate[] = [
  {
    name: 'http',
    description: 'an HTTP API (API Gateway v2) in front of a function (HttpApiFunction), Powertools Logger',
    function: 'Api/Function',
    event: 'get-hello.json',
    dependencies: ['@aws-lambda-powertools/logger'],
  },
  {
    name: 'sqs',
    description: 'an SQS queue with a dead-letter queue and its consumer (SqsConsumer), Powertools BatchProcessor',
    function: 'Orders/Function',
    event: 'orders.json',
    dependencies: ['@aws-lambda-powertools/batch', '@aws-lambda-powertools/logger'],
  },
  {
    name: 'kafka',
    description: 'an Amazon MSK topic consumer with IAM auth (KafkaConsumer), Powertools kafka consumer',
    function: 'Orders/Function',
    event: 'orders.json',
    dependencies: ['@aws-lambda-powertools/kafka', '@aws-lambda-powertools/logger'],
  },
  {
    name: 'authorizer',
    description: 'an HTTP API protected by an OIDC/JWT authorizer (OidcAuthorizer + HttpApiFunction)',
    function: 'Api/Function',
    event: 'get-me.json',
    dependencies: [],
  },
  {
    name: 'bun',
    description: 'an HTTP API in front of a function run by Bun (FunctionRuntime.bun on provided.al2023)',
    function: 'Api/Function',
    event: 'get-hello.json',
    dependencies: [],
  },
  {
    name: 'streaming',
    description: 'a function that streams its answer through a function URL (InvokeMode RESPONSE_STREAM, AWS_IAM auth)',
    function: 'Progress',
    event: 'get-progress.json',
    dependencies: [],
  },
];

/**
 * Templates the issue asks for that this release does not ship, and why
 * (`ts-lambda new --template NAME` says so instead of "unknown template").
 */
export const NOT_SHIPPED: Readonly<Record<string, string>> = {
  llrt: 'an LLRT app needs the LLRT release zip from GitHub at synth (with its sha256), which this release cannot test end to end; '
    + 'start from --template http and set `runtime: FunctionRuntime.llrt({ version, sha256 })` (README: "LLRT and custom runtimes")',
};
