/** Peak resident memory of a process, as Lambda's "Max Memory Used". */
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads `VmHWM` (peak RSS) of one process from /proc/<pid>/status, keeping
 * the file open: each read is one pread, cheap enough for every invocation.
 * Where /proc is missing (macOS...) it reads nothing.
 */
export class PeakRss {
  private fd: number | undefined;
  private readonly buffer = Buffer.alloc(4096);

  constructor(pid: number | undefined) {
    if (pid === undefined) return;
    try {
      this.fd = openSync(`/proc/${pid}/status`, 'r');
    } catch {
      this.fd = undefined;
    }
  }

  /** Peak RSS in MB, or undefined when unknown (no /proc, process gone). */
  public read(): number | undefined {
    if (this.fd === undefined) return undefined;
    try {
      const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      const match = /VmHWM:\s+(\d+) kB/.exec(this.buffer.toString('latin1', 0, length));
      return match ? Math.ceil(Number(match[1]) / 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  public close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
