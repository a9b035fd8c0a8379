import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Loads a built asset in a fresh Node.js process, as the managed runtime
 * would (ESM `import()` of index.mjs, or `require` of index.js), calls the
 * handler with `event` and a minimal context, and returns what it resolved
 * to. Jest's CommonJS sandbox can't `import()` ESM itself, hence the process;
 * the runner is a module file, not `node -e`, because `-e` makes `require` a
 * global that the Lambda runtime does not have.
 */
export function runBundle(assetDir: string, bundleFile: string, handler: string, event: unknown, env: NodeJS.ProcessEnv = {}): unknown {
  const script = `
    const url = ${JSON.stringify(pathToFileURL(join(assetDir, bundleFile)).href)};
    const context = { awsRequestId: 'test-request', functionName: 'test', getRemainingTimeInMillis: () => 3000 };
    import(url).then(async (mod) => {
      const fn = mod[${JSON.stringify(handler)}] ?? (mod.default && mod.default[${JSON.stringify(handler)}]);
      if (typeof fn !== 'function') throw new Error('no handler export ' + ${JSON.stringify(handler)});
      const result = await fn(JSON.parse(process.env.__EVENT), context);
      process.stdout.write(JSON.stringify({ result: result === undefined ? null : result }));
    }).catch((err) => { process.stdout.write(JSON.stringify({ error: { name: err.name, message: err.message } })); });
  `;
  const runner = join(mkdtempSync(join(tmpdir(), 'run-bundle-')), 'runner.mjs');
  writeFileSync(runner, script);
  const out = execFileSync(process.execPath, [runner], {
    cwd: assetDir,
    env: { PATH: process.env.PATH, ...env, __EVENT: JSON.stringify(event) },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const parsed = JSON.parse(out) as { result?: unknown; error?: { name: string; message: string } };
  if (parsed.error) throw new Error(`${parsed.error.name}: ${parsed.error.message}`);
  return parsed.result;
}
