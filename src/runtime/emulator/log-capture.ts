/**
 * What a runtime process prints: passed on to the emulator's caller as it
 * comes, and kept per invocation for `X-Amz-Log-Type: Tail` (the last 4 KB).
 */

/** A piece of output of a function, or a platform line (START, END, REPORT; with the JSON log format a `platform.*` record). */
export interface LogEntry {
  readonly functionName: string;
  /** Which execution environment (process) wrote it. */
  readonly instanceId: string;
  /** The invocation in progress when it was written, if any. */
  readonly requestId?: string;
  readonly stream: 'stdout' | 'stderr' | 'platform';
  /** Raw text: a chunk of output (not split in lines), or one platform line with its newline. */
  readonly text: string;
}

export type LogListener = (entry: LogEntry) => void;

/** Bytes of log kept per invocation (Lambda returns the last 4 KB). */
export const LOG_TAIL_BYTES = 4096;

/** Keeps the last LOG_TAIL_BYTES of output of the invocation in progress. */
export class LogTail {
  private chunks: string[] = [];
  private length = 0;

  public push(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    while (this.length - this.chunks[0].length >= LOG_TAIL_BYTES) {
      this.length -= this.chunks.shift()!.length;
    }
  }

  /** The kept text (its last 4 KB) and a fresh start for the next invocation. */
  public take(): string {
    const text = this.chunks.join('');
    this.chunks = [];
    this.length = 0;
    const bytes = Buffer.from(text);
    return bytes.length <= LOG_TAIL_BYTES ? text : bytes.subarray(bytes.length - LOG_TAIL_BYTES).toString();
  }
}
