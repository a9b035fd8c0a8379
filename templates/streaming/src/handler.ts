/**
 * GET /?steps=N (1 to 10, default 3) streams "step i/N done" lines, one per
 * step as each is done, through a function URL whose InvokeMode is
 * RESPONSE_STREAM: the caller reads each line when it is written, not the
 * whole body at the end. `awslambda` is the global the Lambda Node.js runtime
 * provides; its types come from @types/aws-lambda (the import below).
 */
import type { LambdaFunctionURLEvent } from 'aws-lambda';

/** Stands for a slow piece of work (a query, a model's next tokens...). */
const STEP_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = awslambda.streamifyResponse(async (event: LambdaFunctionURLEvent, responseStream) => {
  const given = event.queryStringParameters?.steps ?? '3';
  const steps = Number(given);
  if (!/^\d+$/.test(given) || steps < 1 || steps > 10) {
    const refused = awslambda.HttpResponseStream.from(responseStream, { statusCode: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    refused.end(`steps must be a whole number from 1 to 10, not '${given}'\n`);
    return;
  }
  // the status and headers go first; after them, every write reaches the caller at once
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
  for (let step = 1; step <= steps; step++) {
    await sleep(STEP_MS);
    stream.write(`step ${step}/${steps} done\n`);
  }
  stream.end();
});
