/**
 * What a function costs on Lambda, estimated from local runs
 * (`ts-lambda invoke FN --repeat N`): Lambda's on-demand price table, and
 * the arithmetic of requests and GB-seconds.
 */

/** An architecture of a Lambda function. */
export type Architecture = 'arm64' | 'x86_64';

/**
 * Lambda on-demand prices, US East (N. Virginia), first tier, in USD.
 *
 * Source: https://aws.amazon.com/lambda/pricing/ (read 2026-12-02): requests
 * $0.20 per 1M; duration $0.0000166667 per GB-second on x86_64 (the first
 * 6 billion GB-seconds a month) and $0.0000133334 on arm64 (the first 7.5
 * billion). The tiers: https://aws.amazon.com/blogs/compute/introducing-tiered-pricing-for-aws-lambda/
 * (10% less beyond those, 20% beyond 15 / 18.75 billion). The INIT phase of a
 * cold start is billed too since 2025-08-01:
 * https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/
 * Not counted: the free tier (1M requests, 400,000 GB-seconds a month),
 * ephemeral storage over 512 MB, provisioned concurrency, data transfer.
 */
export const LAMBDA_PRICES = {
  region: 'us-east-1',
  regionName: 'US East (N. Virginia)',
  source: 'https://aws.amazon.com/lambda/pricing/',
  date: '2026-12-02',
  currency: 'USD',
  perMillionRequests: 0.20,
  perGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 } as Readonly<Record<Architecture, number>>,
} as const;

/** Lambda's billed duration of one invocation: rounded up to the millisecond, at least 1 ms. */
export function billedMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/** The `p`th percentile (0-100) of `values`, by nearest rank; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** USD for one million requests that each bill `meanBilledMs` at `memoryMB` on `arch`. */
export function costPerMillion(meanBilledMs: number, memoryMB: number, arch: Architecture): number {
  const gbSeconds = (meanBilledMs / 1000) * (memoryMB / 1024);
  return LAMBDA_PRICES.perMillionRequests + 1_000_000 * gbSeconds * LAMBDA_PRICES.perGbSecond[arch];
}

/** What `--repeat` measured. */
export interface RepeatStats {
  readonly runs: number;
  /** INIT duration of the first (cold) invocation. */
  readonly coldInitMs?: number;
  /** Duration of the first invocation (after its init). */
  readonly coldDurationMs: number;
  readonly warmP50Ms?: number;
  readonly warmP99Ms?: number;
  /** Mean billed duration of the warm invocations (of the cold one when there are none). */
  readonly meanBilledMs: number;
  readonly peakMemoryMB?: number;
  readonly memorySizeMB: number;
}

/** Summarizes invocations (the first one cold) as `--repeat` prints them. */
export function repeatStats(
  runs: ReadonlyArray<{ durationMs: number; initDurationMs?: number; maxMemoryUsedMB?: number }>,
  memorySizeMB: number,
): RepeatStats {
  const [cold, ...warm] = runs;
  const billed = (warm.length > 0 ? warm : [cold]).map((r) => billedMs(r.durationMs));
  const memory = runs.map((r) => r.maxMemoryUsedMB).filter((m): m is number => m !== undefined);
  return {
    runs: runs.length,
    coldInitMs: cold.initDurationMs,
    coldDurationMs: cold.durationMs,
    warmP50Ms: percentile(warm.map((r) => r.durationMs), 50),
    warmP99Ms: percentile(warm.map((r) => r.durationMs), 99),
    meanBilledMs: billed.reduce((a, b) => a + b, 0) / billed.length,
    peakMemoryMB: memory.length > 0 ? Math.max(...memory) : undefined,
    memorySizeMB,
  };
}

const ms = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
const usd = (v: number) => `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}`;

/** The lines `--repeat` prints: timings, then the cost of both architectures side by side. */
export function costReport(stats: RepeatStats, arch: Architecture, requestsPerMonth: number): string[] {
  const archs: Architecture[] = ['arm64', 'x86_64'];
  const perMillion = archs.map((a) => costPerMillion(stats.meanBilledMs, stats.memorySizeMB, a));
  const rows = [
    ['', ...archs.map((a) => (a === arch ? `${a} (its architecture)` : a))],
    ['per 1M requests', ...perMillion.map(usd)],
    [`per month at ${requestsPerMonth.toLocaleString('en-US')} requests`, ...perMillion.map((c) => usd((c * requestsPerMonth) / 1_000_000))],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return [
    `${stats.runs} invocations (the first cold):`,
    `  cold init         ${ms(stats.coldInitMs)} (then ${ms(stats.coldDurationMs)})`,
    `  warm p50          ${ms(stats.warmP50Ms)}`,
    `  warm p99          ${ms(stats.warmP99Ms)}`,
    `  billed duration   ${stats.meanBilledMs.toFixed(2)} ms (${stats.runs > 1 ? 'mean of the warm ones' : 'the one cold invocation, init not included'}, each rounded up to 1 ms)`,
    `  peak memory       ${stats.peakMemoryMB === undefined ? '-' : `${stats.peakMemoryMB} MB`} of ${stats.memorySizeMB} MB`,
    `Estimated cost at ${stats.memorySizeMB} MB (${LAMBDA_PRICES.regionName} on-demand prices of ${LAMBDA_PRICES.date}, ${LAMBDA_PRICES.source}; `
      + 'first tier, no free tier, cold starts not counted):',
    ...rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}`),
    'Note: these durations are this machine\'s, not Lambda\'s: CPU, memory limits and cold starts differ there. '
      + 'Measure on Lambda (the REPORT lines of its logs) before deciding on cost.',
  ];
}
