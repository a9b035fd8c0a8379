/**
 * The streaming cross-check: the same streaming handlers run by AWS's own
 * Node.js runtime interface client (npm aws-lambda-ric 4.0.2, built into the
 * cache by scripts/prefetch-aws-ric.sh, as the `bootstrap` of a provided.al2023 function), by our client on
 * Node.js, and by our client on the real Bun engine, all through our
 * emulator. Every run must give the same bytes, content type and error.
 * Without that client (it builds native code on install) or the prefetched
 * Bun, the tests skip with the reason; under CI=true they fail instead.
 */
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, nodeFunction, useEmulator } from './helpers';
import { FunctionConfig, InvokeResult } from '../../src/runtime/emulator';
import { BUN_VERSION, Need, needs, prefetchedAwsRic, prefetchedBun, testNeeding } from '../helpers/external-tool';

const BUN = prefetchedBun('x64');
const bunNeeds: Need[] = [needs.x64Host(), needs.bun('x64')];
const bunMissing = bunNeeds.some((n) => n.missing() !== undefined);

/** AWS's client 4.0.2 as scripts/prefetch-aws-ric.sh installs it */
const aws = prefetchedAwsRic('4.0.2');
/** The function folder of the AWS-client runs: the fixtures plus a `bootstrap` that starts AWS's client. */
const awsTask = mkdtempSync(join(tmpdir(), 'aws-ric-streaming-'));
if (aws.entry) {
  cpSync(join(FIXTURES, 'streaming'), awsTask, { recursive: true });
  writeFileSync(join(awsTask, 'bootstrap'), `#!/bin/sh\nexec "${process.execPath}" "${aws.entry}"\n`);
  chmodSync(join(awsTask, 'bootstrap'), 0o755);
}

const HANDLERS = ['prelude', 'contentType', 'bytes', 'chunks', 'failsMidway', 'notAsync'];

const fixture = useEmulator((bootstrap) => {
  const fns: FunctionConfig[] = [];
  for (const h of HANDLERS) {
    fns.push(nodeFunction(bootstrap, `ours-${h}`, 'streaming', `index.${h}`, { timeoutSeconds: 30 }));
    if (aws.entry) {
      fns.push({ name: `aws-${h}`, codeDir: awsTask, handler: `index.${h}`, runtime: 'provided.al2023', command: [join(awsTask, 'bootstrap')], timeoutSeconds: 30 });
    }
    if (!bunMissing) {
      fns.push({ name: `bun-${h}`, codeDir: join(FIXTURES, 'streaming'), handler: `index.${h}`, runtime: 'provided.al2023', command: [BUN, bootstrap], timeoutSeconds: 30 });
    }
  }
  return fns;
});

afterAll(() => rmSync(awsTask, { recursive: true, force: true }));

interface Streamed {
  readonly result: InvokeResult;
  readonly contentType?: string;
  readonly bytes: Buffer;
  /** when each chunk arrived */
  readonly arrivals: Array<{ text: string; at: number }>;
}

async function run(name: string): Promise<Streamed> {
  let contentType: string | undefined;
  const chunks: Buffer[] = [];
  const arrivals: Array<{ text: string; at: number }> = [];
  const result = await fixture.emulator.invoke(name, '{}', {
    onStream: {
      start: (type) => { contentType = type; },
      chunk: (data) => {
        chunks.push(Buffer.from(data));
        arrivals.push({ text: data.toString('latin1'), at: Date.now() });
        return true;
      },
      whenReady: (resume) => resume(),
    },
  });
  return { result, contentType, bytes: Buffer.concat(chunks), arrivals };
}

/** What must be equal between clients: bytes (timestamps of `chunks` masked), content type, outcome. */
function comparable(s: Streamed) {
  const error = s.result.functionError ? JSON.parse(s.result.payload.toString()) : undefined;
  return {
    contentType: s.contentType,
    bytes: s.bytes.toString('latin1').replace(/@\d+;/g, '@T;'),
    functionError: s.result.functionError,
    errorType: s.result.errorType,
    error: error && { errorType: error.errorType, errorMessage: error.errorMessage, firstTraceLine: error.trace?.[0] },
  };
}

describe.each([
  ['AWS\'s client (aws-lambda-ric 4.x, provided.al2023 bootstrap)', 'aws', [needs.awsRic('4.0.2')]],
  [`our client on Bun ${BUN_VERSION}`, 'bun', bunNeeds],
])('%s streams through our emulator as our client on Node.js does', (_label, prefix, need) => {
  const t = testNeeding(...need);
  for (const h of HANDLERS) {
    t(`${h}: same bytes, content type and outcome`, async () => {
      const ours = await run(`ours-${h}`);
      let theirs = await run(`${prefix}-${h}`);
      if (prefix === 'aws' && theirs.result.errorType === 'Runtime.ExitError') {
        // Seen once, in a CI run on a loaded machine (notAsync, 1 run in about 25):
        // AWS's client exited with status 1 before it posted anything; not
        // reproduced in 20 runs since, with or without load. One more try, said
        // out loud; a second exit fails the comparison below.
        console.warn(`${h}: AWS's client exited before answering (${theirs.result.payload.toString()}); trying once more`);
        theirs = await run(`${prefix}-${h}`);
      }
      expect(comparable(theirs)).toEqual(comparable(ours));
      if (h === 'bytes') expect(theirs.bytes.length).toBeGreaterThan(1_000_000);
      if (h === 'chunks') {
        // chunks arrive as they are written, with either client
        for (const s of [ours, theirs]) {
          const three = Number(/three@(\d+);/.exec(s.bytes.toString())![1]);
          expect(s.arrivals.find((a) => a.text.includes('one@'))!.at).toBeLessThan(three);
        }
      }
    }, 60_000);
  }
});
