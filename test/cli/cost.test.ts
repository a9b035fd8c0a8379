/**
 * `ts-lambda invoke FN --repeat N`: timings of N local invocations and the
 * cost estimate from the package's price table (src/runtime/cli/cost.ts),
 * checked by arithmetic; and the CLI, spawned against a real assembly
 * (test/cli/fixtures/triggers-app.ts: `Alone` is arm64 with 512 MB).
 */
import { runCli, synthApp } from './helpers';
import { billedMs, costPerMillion, costReport, LAMBDA_PRICES, percentile, repeatStats } from '../../src/runtime/cli/cost';

describe('the arithmetic', () => {
  test('the price table names its source, date and region', () => {
    expect(LAMBDA_PRICES).toMatchObject({
      region: 'us-east-1',
      source: 'https://aws.amazon.com/lambda/pricing/',
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(LAMBDA_PRICES.perGbSecond.arm64).toBeLessThan(LAMBDA_PRICES.perGbSecond.x86_64);
  });

  test('billed duration: rounded up to 1 ms, at least 1 ms', () => {
    expect([billedMs(0.2), billedMs(1), billedMs(1.0001), billedMs(99.5)]).toEqual([1, 1, 2, 100]);
  });

  test('percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 100)]).toEqual([50, 99, 100]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  test("cost per 1M requests: AWS's own example (512 MB, 1 s) is $8.33 of duration plus $0.20 of requests on x86_64", () => {
    // aws.amazon.com/lambda/pricing example 1: 1,500,000 GB-s for 3M requests of 1 s at 512 MB → 500,000 GB-s per 1M
    expect(costPerMillion(1000, 512, 'x86_64')).toBeCloseTo(0.2 + 500_000 * 0.0000166667, 6);
    expect(costPerMillion(1000, 512, 'arm64')).toBeCloseTo(0.2 + 500_000 * 0.0000133334, 6);
    expect(costPerMillion(10, 128, 'arm64')).toBeCloseTo(0.2 + 1_000_000 * 0.01 * 0.125 * 0.0000133334, 9);
  });

  test('stats: the first run is cold; billed is the mean of the warm ones; peak memory the max', () => {
    const stats = repeatStats([
      { durationMs: 30.2, initDurationMs: 150, maxMemoryUsedMB: 40 },
      { durationMs: 1.5, maxMemoryUsedMB: 44 },
      { durationMs: 2.5, maxMemoryUsedMB: 43 },
      { durationMs: 0.3 },
    ], 256);
    expect(stats).toEqual({
      runs: 4, coldInitMs: 150, coldDurationMs: 30.2, warmP50Ms: 1.5, warmP99Ms: 2.5, meanBilledMs: 2, peakMemoryMB: 44, memorySizeMB: 256,
    });
    const lines = costReport(stats, 'x86_64', 3_000_000).join('\n');
    expect(lines).toMatch(/arm64 +x86_64 \(its architecture\)/);
    const perMillion = 0.2 + 1_000_000 * 0.002 * 0.25 * 0.0000166667;
    expect(lines).toMatch(new RegExp(`per month at 3,000,000 requests +\\$[0-9.]+ +\\$${(perMillion * 3).toFixed(4).replace('.', '\\.')}`));
    expect(lines).toMatch(/not Lambda's/);
  });

  test('one run: no warm figures, the cold run is billed', () => {
    const stats = repeatStats([{ durationMs: 4.2, initDurationMs: 100 }], 128);
    expect([stats.warmP50Ms, stats.warmP99Ms, stats.meanBilledMs]).toEqual([undefined, undefined, 5]);
  });
});

describe('ts-lambda invoke --repeat', () => {
  let assembly: string;
  beforeAll(() => {
    assembly = synthApp('test/cli/fixtures/triggers-app.ts').dir;
  }, 300_000);

  test('N invocations: cold init, warm p50/p99, billed, peak memory, and both architectures priced from the billed duration', () => {
    const r = runCli(['invoke', 'Alone', '--assembly', assembly, '--repeat', '20', '--requests-per-month', '5000000']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({});
    expect(r.stderr.match(/^REPORT /gm)).toHaveLength(1); // the logs of the first only
    expect(r.stderr).toMatch(/^20 invocations \(the first cold\):$/m);
    const figure = (label: string) => Number(new RegExp(`^ {2}${label} +([0-9.]+) (?:ms|MB)`, 'm').exec(r.stderr)?.[1]);
    const [init, p50, p99, billed, peak] = ['cold init', 'warm p50', 'warm p99', 'billed duration', 'peak memory'].map(figure);
    expect(init).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p99);
    expect(billed).toBeGreaterThanOrEqual(1);
    expect(peak).toBeGreaterThan(10);
    expect(r.stderr).toMatch(/of 512 MB/);
    expect(r.stderr).toMatch(/Estimated cost at 512 MB \(US East \(N\. Virginia\) on-demand prices of \d{4}-\d{2}-\d{2}, https:\/\/aws\.amazon\.com\/lambda\/pricing\//);
    expect(r.stderr).toMatch(/arm64 \(its architecture\) +x86_64/);
    const m = /per 1M requests +\$([0-9.]+) +\$([0-9.]+)/.exec(r.stderr)!;
    const month = /per month at 5,000,000 requests +\$([0-9.]+) +\$([0-9.]+)/.exec(r.stderr)!;
    const gbSeconds = 1_000_000 * (billed / 1000) * 0.5;
    expect(Number(m[1])).toBeCloseTo(0.2 + gbSeconds * 0.0000133334, 3);
    expect(Number(m[2])).toBeCloseTo(0.2 + gbSeconds * 0.0000166667, 3);
    expect(Number(month[1])).toBeCloseTo(Number(m[1]) * 5, 1);
    expect(Number(month[2])).toBeCloseTo(Number(m[2]) * 5, 1);
    expect(r.stderr).toMatch(/these durations are this machine's, not Lambda's/);
  });

  test.each([
    [['--repeat', '0'], /--repeat 0: give a whole number of at least 1/],
    [['--repeat', 'x'], /--repeat x: give a whole number/],
    [['--requests-per-month', '10'], /--requests-per-month prices what --repeat N measures/],
  ])('%j: a clear error', (args, message) => {
    const r = runCli(['invoke', 'Alone', '--assembly', assembly, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
