import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './fixtures';
import { startNodeServer } from './node-server';

/** A static file server on 127.0.0.1 in its own process. */
export interface FileServer {
  readonly baseUrl: string;
  /** The paths requested so far, in order. */
  requests(): string[];
  close(): Promise<void>;
}

/**
 * Serves `files` (URL path -> content) from a separate Node.js process, so
 * that code under test that blocks this process (synchronous downloads at
 * synth) can still be answered. Unknown paths get 404. Bounded: the server
 * exits by itself after `maxLifetimeMs`.
 */
export async function startFileServer(files: Record<string, Buffer>, maxLifetimeMs = 120_000): Promise<FileServer> {
  const root = tempDir('file-server-');
  for (const [path, data] of Object.entries(files)) {
    const target = join(root, 'files', path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  const log = join(root, 'requests.log');
  writeFileSync(log, '');
  const script = `
    const http = require('node:http'); const fs = require('node:fs'); const path = require('node:path');
    const [root, log, lifetime] = process.argv.slice(1);
    const server = http.createServer((req, res) => {
      fs.appendFileSync(log, req.url + '\\n');
      const file = path.join(root, 'files', path.normalize(decodeURIComponent(req.url.split('?')[0])));
      if (!file.startsWith(path.join(root, 'files')) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404).end('not found'); return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(fs.readFileSync(file));
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
    setTimeout(() => process.exit(0), Number(lifetime)).unref();
  `;
  const { child, port } = await startNodeServer(script, [root, log, String(maxLifetimeMs)], 'file server');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill();
        await exited;
      }
    },
  };
}
