import { awscdk, javascript, JsonFile } from 'projen';

/**
 * Versions that work together (checked in this repo's CI):
 * - aws-cdk-lib 2.245.0 writes cloud-assembly schema 53.x,
 * - the aws-cdk CLI 2.1115.1 reads it,
 * - @aws-cdk/integ-runner 2.197.10 ships that same CLI,
 * - @aws-cdk/integ-tests-alpha 2.245.0-alpha.0 matches aws-cdk-lib.
 * Change them together, never one alone.
 */
const CDK_VERSION = '2.245.0';
const CDK_CLI_VERSION = '2.1115.1';
const INTEG_RUNNER_VERSION = '2.197.10';
const ESBUILD_VERSION = '0.28.2';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-ts-lambda',
  description:
    'Ship TypeScript on AWS Lambda with the CDK: in-process esbuild bundling, arm64 by default, LLRT and custom JS engines, HTTP API, SQS and Kafka consumers, an OIDC authorizer, and a local runner with no Docker.',
  author: 'cdk-ts-lambda contributors',
  authorAddress: 'maintainers@cdk-ts-lambda.dev',
  authorOrganization: true,
  repositoryUrl: 'https://github.com/cdk-ts-lambda/cdk-ts-lambda.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  keywords: ['cdk', 'aws-cdk', 'lambda', 'typescript', 'esbuild', 'llrt', 'arm64', 'oidc', 'jwt', 'kafka', 'sqs', 'http-api'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~5.9.3',

  // Code that runs inside Lambda or on a developer's machine (authorizer
  // handler, runtime interface client, emulator, CLI) is not jsii API: it is
  // bundled with esbuild by `build:runtime` into assets/ instead.
  excludeTypescript: ['src/runtime/**'],

  // cjs-module-lexer: what Node.js itself uses to read a CommonJS module's
  // named exports; the export check of CommonJS entries reads them with it
  bundledDeps: [`esbuild-wasm@${ESBUILD_VERSION}`, 'cjs-module-lexer@^2.1.0'],
  devDeps: [
    `esbuild@${ESBUILD_VERSION}`,
    `aws-cdk@${CDK_CLI_VERSION}`,
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    `@aws-cdk/integ-tests-alpha@${CDK_VERSION}-alpha.0`,
    'cdk-nag@2.36.8',
    'tsx@^4.20.0',
    // a Chrome DevTools Protocol client's transport for the debugger test (invoke --inspect)
    'ws@^8.18.0',
    '@types/ws@^8.18.0',
    '@types/aws-lambda@^8.10.150',
    'jose@^6.1.0',
    'aws-jwt-verify@^5.1.0',
    '@aws-lambda-powertools/batch@^2.28.0',
    '@aws-lambda-powertools/kafka@^2.28.0',
    '@aws-lambda-powertools/logger@^2.28.0',
    '@aws-sdk/client-sqs@^3.900.0',
    // InvokeWithResponseStream against the emulator: AWS's own event-stream decoder reads it
    '@aws-sdk/client-lambda@^3.900.0',
    // AWS's own runtime interface clients (aws-lambda-ric 4.0.2 and 3.3.0), the
    // reference the tests run ours against, are NOT devDependencies: they
    // build curl and aws-lambda-cpp natively on install (cmake, autoconf,
    // libtool, a C++ compiler). scripts/prefetch-aws-ric.sh installs them
    // into the cache; .ci/run runs it.
  ],

  bin: { 'ts-lambda': 'assets/cli/ts-lambda.cjs' },

  publishToPypi: { distName: 'cdk-ts-lambda', module: 'cdk_ts_lambda' },
  publishToMaven: {
    javaPackage: 'dev.cdktslambda',
    mavenGroupId: 'dev.cdk-ts-lambda',
    mavenArtifactId: 'cdk-ts-lambda',
  },
  publishToNuget: { dotNetNamespace: 'CdkTsLambda', packageId: 'CdkTsLambda' },
  publishToGo: { moduleName: 'github.com/cdk-ts-lambda/cdk-ts-lambda-go' },

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '/test/fixtures/'],
      // AWS's client test handlers hold package.json files of the same name (haste collisions)
      modulePathIgnorePatterns: ['<rootDir>/cdk.out/', '<rootDir>/dist/', '<rootDir>/test/runtime/fixtures/aws-ric/'],
    },
  },
  gitignore: ['/assets/', '.jsii.tabl.json', '/cdk.out/', '.cdk-ts-lambda-cache/', '/bench/.work/', '*.tsbuildinfo',
    // a fixture of AWS's client tests: a task root whose node_modules is part of the case
    '!/test/runtime/fixtures/aws-ric/handlers/async_init_with_node_modules/node_modules/'],
  npmignoreEnabled: true,
});

// The prebuilt runtime pieces ship in the package, and so do the project
// templates of `ts-lambda new` (templates/README.md).
project.npmignore?.include('/assets/');
project.npmignore?.include('/templates/');

// test/tsconfig.json type-checks tests and the development-only folders too
for (const dir of ['examples', 'bench', 'scripts', 'integ']) {
  project.tsconfigDev.addInclude(`../${dir}/**/*.ts`);
}
// src/runtime is not jsii (excluded from tsconfig.json): it gets a tsconfig of
// its own so eslint's project service type-checks it like the tests
new JsonFile(project, 'src/runtime/tsconfig.json', {
  obj: { extends: '../../test/tsconfig.json', include: ['**/*.ts'], exclude: ['**/fixtures/**'] },
});

// handler sources of test fixtures are bundled by esbuild, not type-checked or linted
project.tsconfigDev.addExclude('**/fixtures/**');
project.eslint?.addIgnorePattern('**/fixtures/**');
project.eslint?.addIgnorePattern('integ/*.snapshot/**');
for (const dir of ['examples', 'bench', 'scripts', 'integ']) {
  project.eslint?.addLintPattern(dir);
  project.eslint?.allowDevDeps(`${dir}/**`);
  // eslint's project service takes the nearest tsconfig.json of each file
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'], exclude: ['**/*.snapshot/**', '.work/**'] },
  });
}

// Runtime assets (authorizer handler, runtime interface client, CLI) are
// bundled with esbuild as the first step of compile (so `npx projen
// compile` alone gives a complete package) and before tests (so tests use
// what ships).
const buildRuntime = project.addTask('build:runtime', {
  description: 'Bundle src/runtime (authorizer, runtime client, emulator, CLI) into assets/',
  exec: 'tsx scripts/build-runtime.ts',
});
project.compileTask.prependSpawn(buildRuntime);
project.testTask.prependSpawn(buildRuntime);
// ...and packing refuses a package without them (scripts/check-package.ts):
// every jsii-pacmak target packs the npm tarball (Python, Java, .NET and Go
// packages embed it), so every package:* task checks first
const packageTasks = project.tasks.all.filter((task) => task.name.startsWith('package:'));
if (!packageTasks.some((task) => task.name === 'package:js')) throw new Error('.projenrc.ts: the jsii project has no package:js task to guard');
for (const task of packageTasks) task.prependExec('tsx scripts/check-package.ts');

project.addTask('demo', {
  description: 'Synthesize examples/app with the cdk CLI into cdk.out and run its functions locally',
  steps: [
    { spawn: buildRuntime.name },
    { exec: 'tsx examples/demo.ts' },
  ],
});

// Integration tests (integ/integ.*.ts): `integ` verifies the committed
// snapshots without deploying (part of `npm test`); `integ:deploy` runs them
// against the AWS account of the current credentials and updates snapshots.
const integ = project.addTask('integ', {
  description: 'Verify the committed integ snapshots (no deployment)',
  exec: 'integ-runner',
  env: { CDK_TS_LAMBDA_QUIET: '1' },
});
project.addTask('integ:update', {
  description: 'Rewrite integ snapshots without deploying (review the diff!)',
  exec: 'integ-runner --update-on-failed --dry-run',
  env: { CDK_TS_LAMBDA_QUIET: '1' },
});
project.addTask('integ:deploy', {
  description: 'Deploy integ tests to a real account, run their assertions, destroy them, update their snapshots (add --force to run unchanged ones)',
  exec: 'integ-runner --update-on-failed',
  receiveArgs: true,
});
project.testTask.spawn(integ);

// lib/index.js loads the HTTP API, SQS, Kafka and authorizer areas on first
// use, so an app that only uses TypeScriptFunction does not load them on
// every synth (see scripts/lazy-index.ts).
project.compileTask.exec('tsx scripts/lazy-index.ts');

// The README's and doc comments' TypeScript examples must compile (they are
// translated for every jsii language): jsii-rosetta checks them after compile.
project.postCompileTask.exec('jsii-rosetta extract --strict');

project.addTask('bench:synth', {
  description: 'Synth 50 functions: TypeScriptFunction vs NodejsFunction vs a pre-bundled floor',
  steps: [{ spawn: 'compile' }, { exec: 'tsx bench/synth.ts' }],
});

project.addTask('bench:runtime', {
  description: 'Warm invocations through the emulator and our runtime client vs plain loopback HTTP',
  steps: [{ spawn: buildRuntime.name }, { exec: 'tsx bench/runtime.ts' }],
});

project.addTask('bench:authorizer', {
  description: 'OIDC authorizer verifications/s vs aws-jwt-verify, jose and raw node:crypto',
  steps: [{ spawn: buildRuntime.name }, { exec: 'tsx bench/authorizer.ts' }],
});

// Development-only folders and files stay out of the npm package.
for (const dir of ['/examples/', '/bench/', '/integ/', '/scripts/', '/cdk.out/', '.cdk-ts-lambda-cache/', '/.ci/', '/.cfnlintrc']) {
  project.npmignore?.exclude(dir);
}

project.synth();
