/**
 * The environment variables Lambda gives a runtime process, built from a
 * function's configuration. Nothing is inherited from the host.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { FunctionConfig } from './function-config';
import { DEFAULT_MEMORY_MB, DEFAULT_REGION } from './limits';

/** The fake credentials a function gets when none are configured. */
export const FAKE_CREDENTIALS = {
  accessKeyId: 'ASIAEMULATOREXAMPLE0',
  secretAccessKey: 'emulator/fake/secret/access/key/00000000',
  sessionToken: 'emulator-fake-session-token',
};

/** Lambda's own PATH; the directory of the running Node.js is added so `node` resolves locally. */
const LAMBDA_PATH = '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin';

/**
 * Variables of one execution environment (one process) of `fn`.
 * @param xrayDaemon where `AWS_XRAY_DAEMON_ADDRESS` points: the emulator's
 * stand-in daemon for a function with Active tracing (see xray.ts); else
 * Lambda's link-local address, which is not reachable here
 */
export function lambdaEnvironment(fn: FunctionConfig, runtimeApi: string, xrayDaemon = '169.254.79.129:2000'): Record<string, string> {
  const region = fn.region ?? DEFAULT_REGION;
  const credentials = fn.credentials ?? FAKE_CREDENTIALS;
  const version = '$LATEST';
  const opt = fn.optDir ?? '/opt';
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const env: Record<string, string> = {
    ...fn.environment,
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    _HANDLER: fn.handler,
    LAMBDA_TASK_ROOT: fn.codeDir,
    LAMBDA_RUNTIME_DIR: dirname(fn.command[0] ?? fn.codeDir),
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize ?? DEFAULT_MEMORY_MB),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName ?? `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[${version}]${randomBytes(16).toString('hex')}`,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: xrayDaemon,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: `${LAMBDA_PATH}:${dirname(process.execPath)}`,
    LD_LIBRARY_PATH: `/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:${fn.codeDir}:${fn.codeDir}/lib:${opt}/lib`,
  };
  if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  if (fn.perEnvironmentConcurrency !== undefined) {
    // as Lambda sets them for a function on a capacity provider (Managed Instances);
    // AWS's client reads the first to run invocations concurrently
    // (aws-lambda-ric 4.x src/utils/env.ts isMultiConcurrentMode)
    env.AWS_LAMBDA_MAX_CONCURRENCY = String(fn.perEnvironmentConcurrency);
    env.AWS_LAMBDA_INITIALIZATION_TYPE = 'lambda-managed-instances';
  }
  if (fn.logFormat === 'JSON') {
    env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    env.AWS_LAMBDA_LOG_LEVEL = (fn.applicationLogLevel ?? 'INFO').toUpperCase();
  }
  const runtime = fn.runtime ?? 'provided.al2023';
  if (runtime.startsWith('nodejs')) {
    env.AWS_EXECUTION_ENV = `AWS_Lambda_${runtime}`;
    // Lambda's NODE_PATH for nodejs22.x is
    // /opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task
    // (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths)
    const major = /^nodejs(\d+)/.exec(runtime)?.[1];
    const rt = fn.runtimeDir ?? '/var/runtime';
    env.NODE_PATH = [
      ...(major ? [`${opt}/nodejs/node${major}/node_modules`] : []),
      `${opt}/nodejs/node_modules`, `${rt}/node_modules`, rt, fn.codeDir,
    ].join(':');
  }
  return env;
}
