import { execFileSync } from 'node:child_process';

/**
 * Downloads a URL synchronously (construct code is synchronous) by running
 * `fetch` in a short-lived Node.js process, with a timeout. Used once per
 * release file: the result is cached by the caller.
 */
export function downloadSync(url: string, timeoutMs = 120_000): Buffer {
  const script = `
    const ac = new AbortController();
    setTimeout(() => ac.abort(), ${timeoutMs}).unref();
    fetch(process.argv[1], { signal: ac.signal, redirect: 'follow', headers: { 'user-agent': 'cdk-ts-lambda' } })
      .then(async (res) => {
        if (!res.ok) { process.stderr.write('HTTP ' + res.status + ' ' + res.statusText); process.exit(2); }
        process.stdout.write(Buffer.from(await res.arrayBuffer()));
      })
      .catch((err) => { process.stderr.write(String(err && err.cause ? err.cause.message || err.cause : err.message || err)); process.exit(3); });
  `;
  try {
    return execFileSync(process.execPath, ['-e', script, url], {
      maxBuffer: 512 * 1024 * 1024,
      timeout: timeoutMs + 5_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`download of ${url} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}
