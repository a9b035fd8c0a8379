import { ChildProcess, spawn } from 'node:child_process';

/** A server run by `node -e` in a child process. */
export interface NodeServerProcess {
  readonly child: ChildProcess;
  /** The port it printed once it listened. */
  readonly port: number;
}

/**
 * Runs `script` with `node -e` (arguments in `process.argv.slice(1)`), and
 * waits for the port it prints on its first line of stdout once it listens.
 * Rejects, naming `what`, when the process exits first or prints nothing
 * within `timeoutMs`. Used by tests and benchmarks that need a server in
 * another process (one this process's event loop does not serve).
 */
export async function startNodeServer(script: string, args: readonly string[], what: string, timeoutMs = 10_000): Promise<NodeServerProcess> {
  const child = spawn(process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${what} did not start in ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.stdout!.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(Number(String(chunk).trim()));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}`));
    });
  });
  return { child, port };
}
