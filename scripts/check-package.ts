/**
 * Refuses to pack an incomplete package: run first by `package:js`, so a
 * tarball never ships without its prebuilt parts (the `ts-lambda` bin, the
 * OIDC authorizer bundle, the runtime interface client), which
 * `build:runtime` makes and plain `jsii` does not. Without the bin, `npx
 * ts-lambda` in a user's project would fetch whatever the public registry
 * has under that name.
 *
 * Usage: tsx scripts/check-package.ts [package root]   (default: this repo)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RUNTIME_ASSETS } from './runtime-assets';

/** The files a package root lacks (missing or empty), with what each is. */
export function missingPackageParts(root: string): string[] {
  const wanted = new Map<string, string>();
  for (const asset of RUNTIME_ASSETS) {
    wanted.set(asset.out, `built from ${asset.src}`);
    for (const [from, to] of Object.entries(asset.copy ?? {})) wanted.set(to, `copied from ${from}: the licence or origin of data bundled into ${asset.out}`);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bins = typeof pkg.bin === 'string' ? { bin: pkg.bin } : pkg.bin ?? {};
  for (const [name, path] of Object.entries(bins)) {
    const file = path.replace(/^\.\//, '');
    const what = `the \`${name}\` bin`;
    wanted.set(file, wanted.has(file) ? `${wanted.get(file)}; ${what}` : what);
  }
  const missing: string[] = [];
  for (const [path, what] of wanted) {
    const abs = join(root, path);
    if (!existsSync(abs) || !statSync(abs).isFile() || statSync(abs).size === 0) missing.push(`${path} (${what})`);
  }
  return missing;
}

if (require.main === module) {
  const root = resolve(process.argv[2] ?? join(__dirname, '..'));
  const missing = missingPackageParts(root);
  if (missing.length > 0) {
    console.error(`check-package: refusing to pack ${root}: the package would lack its prebuilt parts:\n`
      + missing.map((m) => `  - ${m}`).join('\n')
      + '\nRun `npx projen compile` (which runs build:runtime first) or `npx projen build:runtime`, then pack again.');
    process.exit(1);
  }
  console.log(`check-package: ${root} has its prebuilt parts (${RUNTIME_ASSETS.map((a) => a.out).join(', ')})`);
}
