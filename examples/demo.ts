/**
 * `npm run demo`: synthesizes examples/app with the real cdk CLI into cdk.out
 * (the bundle report is printed by each function as it is bundled).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');
const cdk = join(root, 'node_modules', '.bin', 'cdk');

console.log('== synthesizing examples/app into cdk.out');
const started = Date.now();
execFileSync(cdk, ['synth', '--app', 'npx tsx examples/app/main.ts', '--output', 'cdk.out', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
console.log(`== synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);
