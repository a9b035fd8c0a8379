/**
 * Worker threads for concurrent invocations (Lambda Managed Instances), as
 * AWS's client starts them (aws-lambda-ric 4.x src/worker/ and
 * src/utils/worker.ts): with `AWS_LAMBDA_MAX_CONCURRENCY` set, the main
 * thread starts the workers and waits; each worker loads the handler (init
 * runs once per worker) and runs its own loop of overlapping invocations.
 * Invocations handled by one worker share its module state.
 */
import { isMultiConcurrent } from './invoke-store';

/**
 * How many workers: `AWS_LAMBDA_NODEJS_WORKER_COUNT`, else 8 per CPU as
 * AWS's client counts them (the quota of /sys/fs/cgroup/cpu.max; all cores
 * when it says `max`; 1 when it cannot be read). Unlike AWS's client, at most
 * `AWS_LAMBDA_MAX_CONCURRENCY`: more workers than invocations at once would
 * only load the handler again (a laptop has no cgroup quota, and 8 per core
 * of a 32-core machine is 256 copies of the function).
 */
export async function workerCount(): Promise<number> {
  const set = Number.parseInt(process.env.AWS_LAMBDA_NODEJS_WORKER_COUNT ?? '', 10);
  if (set > 0) return set;
  const max = Number.parseInt(process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '', 10);
  const perCpu = 8 * await availableCpus();
  return max > 0 ? Math.min(perCpu, max) : perCpu;
}

async function availableCpus(): Promise<number> {
  try {
    const { readFileSync } = await import('node:fs');
    const [quota, period] = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/);
    if (quota === 'max') return Math.max(1, (await import('node:os')).cpus().length);
    const cpus = Math.ceil(Number(quota) / Number(period));
    if (cpus > 0) return cpus;
  } catch {
    // not readable: one CPU, as AWS's client assumes
  }
  return 1;
}

/**
 * In the main thread with concurrent invocations: starts the workers on
 * `script` (this bundle) and resolves when they have all ended. Resolves
 * false where there is nothing to do (one invocation at a time, a worker
 * thread, or an engine without worker_threads).
 */
export async function runWorkers(script: string): Promise<boolean> {
  if (!isMultiConcurrent()) return false;
  let threads: typeof import('node:worker_threads');
  try {
    threads = await import('node:worker_threads');
  } catch {
    return false;
  }
  if (!threads.isMainThread) return false;
  const count = await workerCount();
  const ended: Array<Promise<void>> = [];
  for (let id = 0; id < count; id++) {
    const worker = new threads.Worker(script, { env: process.env });
    ended.push(new Promise((resolve) => {
      worker.on('error', (error) => {
        console.error(`Worker ${id} error:`, error);
        resolve();
      });
      worker.on('exit', (code) => {
        if (code !== 0) console.error(`Worker ${id} exit:`, new Error(`Worker ${id} exited with code ${code}`));
        resolve();
      });
    }));
  }
  await Promise.all(ended);
  return true;
}

