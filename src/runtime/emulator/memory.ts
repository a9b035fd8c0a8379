/** Peak resident memory of a process, as Lambda's "Max Memory Used". */
import { readFileSync } from 'node:fs';

/**
 * Peak RSS in MB of process `pid` (`VmHWM` of /proc/<pid>/status), or
 * undefined where /proc is not available or the process is gone.
 */
export function peakRssMB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Math.ceil(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
