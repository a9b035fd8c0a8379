import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';

/**
 * What the Lambda Node.js runtime provides as the `awslambda` global, for a
 * test outside Lambda: streamifyResponse hands the handler the response
 * stream, and HttpResponseStream.from records the status and headers (on
 * Lambda they go first, as a prelude before the body). `npm run invoke` runs
 * the handler in a real runtime client instead.
 */
let prelude: Record<string, unknown> | undefined;
Object.assign(globalThis, {
  awslambda: {
    streamifyResponse: (fn: unknown) => fn,
    HttpResponseStream: {
      from: (stream: Writable, metadata: Record<string, unknown>) => {
        prelude = metadata;
        return stream;
      },
    },
  },
});

// loaded once the global is there (an import at the top would run first)
const { handler } = require('../src/handler') as typeof import('../src/handler');

const event = JSON.parse(readFileSync(join(__dirname, '..', 'events', 'get-progress.json'), 'utf8')) as LambdaFunctionURLEvent;
const context = { functionName: 'progress', awsRequestId: 'test-request' } as Context;

/** Runs the handler; the pieces written to its stream, each with when it arrived. */
async function run(e: LambdaFunctionURLEvent): Promise<Array<{ text: string; at: number }>> {
  prelude = undefined;
  const pieces: Array<{ text: string; at: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pieces.push({ text: chunk.toString(), at: Date.now() });
      done();
    },
  });
  const finished = new Promise((resolve) => stream.on('finish', resolve));
  await handler(e, stream as unknown as awslambda.HttpResponseStream, context);
  await finished;
  return pieces;
}

test('GET /?steps=3 streams a line per step, each as it is done', async () => {
  const pieces = await run(event);
  expect(prelude).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
  expect(pieces.map((p) => p.text)).toEqual(['step 1/3 done\n', 'step 2/3 done\n', 'step 3/3 done\n']);
  // written one by one while the work went on, not all at the end
  expect(pieces[2].at - pieces[0].at).toBeGreaterThanOrEqual(300);
});

test('without steps it streams three', async () => {
  const pieces = await run({ ...event, queryStringParameters: undefined });
  expect(pieces.map((p) => p.text).join('')).toBe('step 1/3 done\nstep 2/3 done\nstep 3/3 done\n');
});

test.each(['0', '11', 'two', '1.5'])('steps=%s is refused with 400 and says what is allowed', async (steps) => {
  const pieces = await run({ ...event, queryStringParameters: { steps } });
  expect(prelude).toMatchObject({ statusCode: 400 });
  expect(pieces.map((p) => p.text).join('')).toBe(`steps must be a whole number from 1 to 10, not '${steps}'\n`);
});
