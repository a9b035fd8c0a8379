/**
 * The platform's own log lines of an invocation (Lambda's "system logs"), in
 * the function's log format and filtered by its system log level.
 *
 * Text (the default): `START RequestId: ... Version: $LATEST`, `END
 * RequestId: ...` and the `REPORT RequestId: ...` line, as ever.
 *
 * JSON: with `LoggingConfig.LogFormat: JSON` Lambda sends the system logs
 * ("the logs that Lambda generates and are sometimes known as platform event
 * logs", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html)
 * as JSON: one record a line, shaped as the Telemetry API's platform events,
 * `{"time","type","record"}` with the record of that event type
 * (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html):
 *   {"time":"...","type":"platform.start","record":{"requestId":"...","version":"$LATEST"}}
 *   {"time":"...","type":"platform.report","record":{"requestId":"...","metrics":{"durationMs":..,
 *     "billedDurationMs":..,"memorySizeMB":..,"maxMemoryUsedMB":..,"initDurationMs":..},"status":"success"}}
 * `initDurationMs` only on a cold start; `maxMemoryUsedMB` only where the
 * peak RSS can be read; `errorType` with a status other than `success`. Only
 * the two records the log-level guide names are written: there is no END
 * record in JSON.
 *
 * System log level (JSON only;
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html):
 * DEBUG (most detail), INFO, WARN (least detail); Lambda sends the records
 * of the selected level and of the levels with less detail, and at the
 * default INFO it sends the "start" and "report" messages (the page's wording
 * was read in its China-region edition, docs.amazonaws.cn, same path). Start
 * and report are thus INFO records: WARN drops them (whatever the
 * invocation's status), DEBUG and INFO keep them. The page also maps every
 * other system event to a level (its "event mapping for system log levels"
 * section, which could not be read here): no other record is written, at
 * any level. Lambda gives
 * the runtime only the application level ("Lambda sets the application log
 * level in the runtime using the AWS_LAMBDA_LOG_LEVEL environment variable",
 * https://aws.amazon.com/blogs/compute/introducing-advanced-logging-controls-for-aws-lambda-functions/;
 * AWS's client, aws-lambda-ric 4.0.2, reads no other level): the system
 * level is applied here, outside the function's process.
 */
import { FunctionConfig } from './function-config';

/** `LoggingConfig.SystemLogLevel`, from most to least detail. */
export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
export type SystemLogLevel = typeof SYSTEM_LOG_LEVELS[number];

/**
 * The function's system log level, upper-cased; INFO when it has none. Throws
 * an error naming the function and the setting when it is not one of
 * SYSTEM_LOG_LEVELS.
 */
export function systemLogLevelOf(fn: FunctionConfig): SystemLogLevel {
  const level = (fn.systemLogLevel ?? 'INFO').toUpperCase();
  if (!(SYSTEM_LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`function ${fn.name}: systemLogLevel ${JSON.stringify(fn.systemLogLevel)} (LoggingConfig.SystemLogLevel) must be one of ${SYSTEM_LOG_LEVELS.join(', ')}`);
  }
  return level as SystemLogLevel;
}

/** The figures of one invocation's report. */
export interface ReportFigures {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMB: number;
  readonly maxMemoryUsedMB?: number;
  /** on a cold start */
  readonly initDurationMs?: number;
  /** the error type when the invocation failed */
  readonly errorType?: string;
}

/** Makes the platform lines of a function's invocations. */
export class PlatformLog {
  private readonly json: boolean;
  /** JSON: INFO records (start, report) are written */
  private readonly info: boolean;

  constructor(fn: FunctionConfig) {
    const level = systemLogLevelOf(fn);
    this.json = fn.logFormat === 'JSON';
    // the system level applies to the JSON format only; Text writes every line
    this.info = !this.json || level !== 'WARN';
  }

  /** The lines written when the invocation starts (each with its newline). */
  public start(requestId: string): string[] {
    if (!this.json) return [`START RequestId: ${requestId} Version: $LATEST\n`];
    if (!this.info) return [];
    return [record('platform.start', { requestId, version: '$LATEST' })];
  }

  /** The lines written when the invocation ends. */
  public end(r: ReportFigures): string[] {
    if (!this.json) {
      return [
        `END RequestId: ${r.requestId}\n`,
        `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\tBilled Duration: ${r.billedDurationMs} ms\t`
        + `Memory Size: ${r.memorySizeMB} MB\tMax Memory Used: ${r.maxMemoryUsedMB ?? '-'} MB\t`
        + (r.initDurationMs !== undefined ? `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t` : '') + '\n',
      ];
    }
    if (!this.info) return [];
    const metrics: Record<string, number> = {
      durationMs: round2(r.durationMs),
      billedDurationMs: r.billedDurationMs,
      memorySizeMB: r.memorySizeMB,
    };
    if (r.maxMemoryUsedMB !== undefined) metrics.maxMemoryUsedMB = r.maxMemoryUsedMB;
    if (r.initDurationMs !== undefined) metrics.initDurationMs = round2(r.initDurationMs);
    return [record('platform.report', {
      requestId: r.requestId,
      metrics,
      status: statusOf(r.errorType),
      ...(r.errorType !== undefined ? { errorType: r.errorType } : {}),
    })];
  }
}

/**
 * The Telemetry API's `status` of an invocation: `success`, `timeout` at the
 * deadline (Sandbox.Timedout), else `error` (the schema's `failure` is not
 * told apart here).
 */
function statusOf(errorType: string | undefined): string {
  if (errorType === undefined) return 'success';
  return errorType === 'Sandbox.Timedout' ? 'timeout' : 'error';
}

function record(type: string, body: object): string {
  return `${JSON.stringify({ time: new Date().toISOString(), type, record: body })}\n`;
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
