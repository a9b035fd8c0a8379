/**
 * The platform's own log lines (Lambda's system logs) by log format and
 * system log level, through the real emulator and our client: with
 * `LogFormat: JSON`, START and REPORT are `platform.start` and
 * `platform.report` records (END has no record), kept at SystemLogLevel
 * DEBUG and INFO and dropped at WARN; the Text format keeps its three lines
 * whatever the level. The records reach the log listener, the result's log
 * tail and the Invoke API's `X-Amz-Log-Type: Tail` alike. See
 * src/runtime/emulator/platform-log.ts for the guide's pages.
 */
import { body, http, nodeFunction, useEmulator } from './helpers';
import { FunctionConfig, InvokeResult, LambdaEmulator } from '../../src/runtime/emulator';

const JSON_LOGS = { logFormat: 'JSON' as const, memorySize: 256 };

const fixture = useEmulator((bootstrap) => {
  const fn = (name: string, dir: string, handler: string, extra: Partial<FunctionConfig> = {}) => nodeFunction(bootstrap, name, dir, handler, extra);
  return [
    fn('json-default', 'esm', 'index.handler', JSON_LOGS),
    fn('json-info', 'esm', 'index.handler', { ...JSON_LOGS, systemLogLevel: 'INFO' }),
    fn('json-debug', 'esm', 'index.handler', { ...JSON_LOGS, systemLogLevel: 'debug' }),
    fn('json-warn', 'esm', 'index.handler', { ...JSON_LOGS, systemLogLevel: 'WARN' }),
    fn('json-throws', 'esm', 'index.throws', JSON_LOGS),
    fn('json-sleeps', 'faults', 'index.sleeps', { ...JSON_LOGS, timeoutSeconds: 1 }),
    fn('json-warn-sleeps', 'faults', 'index.sleeps', { ...JSON_LOGS, systemLogLevel: 'WARN', timeoutSeconds: 1 }),
    // the system level applies to the JSON format only
    fn('text-warn', 'esm', 'index.handler', { memorySize: 256, systemLogLevel: 'WARN' }),
  ];
});
const { invoke, logs } = fixture;

/** The platform entries the log listener got for one invocation. */
const platformOf = (result: InvokeResult) => logs.filter((l) => l.stream === 'platform' && l.requestId === result.requestId).map((l) => l.text);

/** Each platform entry is one JSON record and its newline. */
function records(result: InvokeResult): any[] {
  const texts = platformOf(result);
  for (const text of texts) expect(text).toMatch(/^\{[^\n]*\}\n$/);
  return texts.map((t) => JSON.parse(t));
}

/** Checks a record's envelope: time (ISO 8601, UTC), type, record with the request id. */
function expectEnvelope(rec: any, type: string, requestId: string): void {
  expect(Object.keys(rec)).toEqual(['time', 'type', 'record']);
  expect(rec.type).toBe(type);
  expect(rec.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect(Math.abs(Date.parse(rec.time) - Date.now())).toBeLessThan(60_000);
  expect(rec.record.requestId).toBe(requestId);
}

describe('LogFormat JSON: platform.start and platform.report records', () => {
  test.each([['json-default'], ['json-info'], ['json-debug']])('%s: a start and a report record per invocation, field by field; initDurationMs on the cold start only', async (name) => {
    const cold = await invoke(name, { kind: 'cold' });
    const warm = await invoke(name, { kind: 'warm' });
    expect(warm.instanceId).toBe(cold.instanceId);
    for (const result of [cold, warm]) {
      expect(result.functionError).toBeUndefined();
      const [start, report, ...rest] = records(result);
      expect(rest).toEqual([]);
      expectEnvelope(start, 'platform.start', result.requestId);
      expect(start.record).toEqual({ requestId: result.requestId, version: '$LATEST' });
      expectEnvelope(report, 'platform.report', result.requestId);
      expect(report.record.status).toBe('success');
      expect(report.record.errorType).toBeUndefined();
      const m = report.record.metrics;
      expect(m.durationMs).toBeCloseTo(result.durationMs, 1);
      expect(m.billedDurationMs).toBe(result.billedDurationMs);
      expect(Number.isInteger(m.billedDurationMs)).toBe(true);
      expect(m.billedDurationMs).toBeGreaterThanOrEqual(m.durationMs);
      expect(m.memorySizeMB).toBe(256);
      expect(m.maxMemoryUsedMB).toBe(result.maxMemoryUsedMB);
      expect(m.maxMemoryUsedMB).toBeGreaterThan(0);
    }
    const coldMetrics = records(cold)[1].record.metrics;
    expect(Object.keys(coldMetrics)).toEqual(['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB', 'initDurationMs']);
    expect(coldMetrics.initDurationMs).toBeCloseTo(cold.initDurationMs!, 1);
    expect(coldMetrics.initDurationMs).toBeGreaterThan(0);
    expect(Object.keys(records(warm)[1].record.metrics)).toEqual(['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB']);
  });

  test('the log tail holds the same records, start first and report last; no text platform line', async () => {
    const result = await invoke('json-info', { kind: 'tail' });
    const lines = result.logTail.split('\n').filter(Boolean);
    expect(JSON.parse(lines[0])).toMatchObject({ type: 'platform.start', record: { requestId: result.requestId } });
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ type: 'platform.report', record: { requestId: result.requestId } });
    expect(result.logTail).not.toMatch(/(START|END|REPORT) RequestId/);
  });

  test('Invoke API with X-Amz-Log-Type: Tail: the base64 log has the records', async () => {
    const port = Number(new URL(fixture.emulator.url).port);
    const res = await http(port, 'POST', '/2015-03-31/functions/json-info/invocations', '{"kind":"api"}', { 'X-Amz-Log-Type': 'Tail' });
    expect(res.status).toBe(200);
    const requestId = res.headers['x-amzn-requestid'];
    const log = Buffer.from(String(res.headers['x-amz-log-result']), 'base64').toString();
    const types = log.split('\n').filter((l) => l.startsWith('{"time"')).map((l) => JSON.parse(l)).filter((r) => r.record?.requestId === requestId).map((r) => r.type);
    expect(types).toEqual(['platform.start', 'platform.report']);
  });

  test('a function error: status error and its errorType', async () => {
    const result = await invoke('json-throws');
    expect(result.errorType).toBe('TypeError');
    const report = records(result).find((r) => r.type === 'platform.report');
    expect(report.record).toMatchObject({ requestId: result.requestId, status: 'error', errorType: 'TypeError' });
  });

  test('a timeout: status timeout, errorType Sandbox.Timedout', async () => {
    const result = await invoke('json-sleeps', { ms: 30_000 });
    expect(result.errorType).toBe('Sandbox.Timedout');
    const [start, report] = records(result);
    expect(start.type).toBe('platform.start');
    expect(report.record).toMatchObject({ requestId: result.requestId, status: 'timeout', errorType: 'Sandbox.Timedout' });
    expect(report.record.metrics.durationMs).toBeGreaterThanOrEqual(900);
  });
});

describe('SystemLogLevel WARN drops the start and report records', () => {
  test('a successful invocation: no platform record at all; the function\'s output and the figures remain', async () => {
    const result = await invoke('json-warn', { kind: 'warn' });
    expect(result.functionError).toBeUndefined();
    expect(body(result).event).toEqual({ kind: 'warn' });
    expect(platformOf(result)).toEqual([]);
    expect(result.logTail).not.toContain('platform.');
    expect(result.logTail).toContain('event received warn');
    expect(result.maxMemoryUsedMB).toBeGreaterThan(0);
    expect(result.billedDurationMs).toBeGreaterThan(0);
  });

  test('a timeout too: its report is an INFO record', async () => {
    const result = await invoke('json-warn-sleeps', { ms: 30_000 });
    expect(result.errorType).toBe('Sandbox.Timedout');
    expect(platformOf(result)).toEqual([]);
  });
});

describe('Text format: the START, END and REPORT lines as before, whatever the system level', () => {
  test('three lines, byte for byte', async () => {
    const cold = await invoke('text-warn', { kind: 'text' });
    const warm = await invoke('text-warn', { kind: 'text' });
    for (const result of [cold, warm]) {
      const id = result.requestId;
      const [start, end, report, ...rest] = platformOf(result);
      expect(rest).toEqual([]);
      expect(start).toBe(`START RequestId: ${id} Version: $LATEST\n`);
      expect(end).toBe(`END RequestId: ${id}\n`);
      const init = result.initDurationMs !== undefined ? `Init Duration: ${result.initDurationMs.toFixed(2)} ms\t` : '';
      expect(report).toBe(`REPORT RequestId: ${id}\tDuration: ${result.durationMs.toFixed(2)} ms\tBilled Duration: ${result.billedDurationMs} ms\t`
        + `Memory Size: 256 MB\tMax Memory Used: ${result.maxMemoryUsedMB} MB\t${init}\n`);
    }
    expect(cold.initDurationMs).toBeDefined();
    expect(warm.initDurationMs).toBeUndefined();
  });
});

test('a system log level other than DEBUG, INFO or WARN is refused when the function is added, naming it', async () => {
  const emulator = await LambdaEmulator.start({ functions: [] });
  try {
    const bad = nodeFunction(fixture.bootstrap, 'loud', 'esm', 'index.handler', { logFormat: 'JSON', systemLogLevel: 'TRACE' });
    expect(() => emulator.addFunction(bad)).toThrow('function loud: systemLogLevel "TRACE" (LoggingConfig.SystemLogLevel) must be one of DEBUG, INFO, WARN');
    expect(emulator.has('loud')).toBe(false);
  } finally {
    await emulator.close();
  }
});
