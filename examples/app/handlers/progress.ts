/// <reference types="aws-lambda" />
/**
 * A streaming handler behind a function URL (InvokeMode RESPONSE_STREAM):
 * the status and headers first (awslambda.HttpResponseStream.from), then one
 * line per step as the work progresses, so the caller sees each line when it
 * is written instead of the whole body at the end.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = awslambda.streamifyResponse(async (event: { queryStringParameters?: { steps?: string } }, responseStream) => {
  const steps = Math.min(Math.max(Number(event.queryStringParameters?.steps ?? 4) || 4, 1), 20);
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
  const started = Date.now();
  for (let step = 1; step <= steps; step++) {
    await sleep(250); // stands for a slow piece of work (a query, a model's next tokens...)
    stream.write(`step ${step}/${steps} done after ${Date.now() - started} ms\n`);
  }
  stream.end();
});
