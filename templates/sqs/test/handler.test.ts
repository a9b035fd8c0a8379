import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSEvent } from 'aws-lambda';
import { handler } from '../src/handler';

const event = JSON.parse(readFileSync(join(__dirname, '..', 'events', 'orders.json'), 'utf8')) as SQSEvent;
const context = { functionName: 'orders', awsRequestId: 'test-request' } as Context;

test('the message that is not an order is the only batch item failure', async () => {
  expect(event.Records.map((r) => r.messageId)).toEqual(['MessageID_1', 'MessageID_2']);
  const result = await handler(event, context);
  expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'MessageID_2' }] });
});

test('a batch of orders has no failure', async () => {
  const result = await handler({ Records: [event.Records[0]] }, context);
  expect(result).toEqual({ batchItemFailures: [] });
});
