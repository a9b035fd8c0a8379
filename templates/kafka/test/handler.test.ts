import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { handler } from '../src/handler';

/** An MSK event as Powertools' kafka consumer types it. */
type MSKEvent = Parameters<typeof handler>[0];
const event = JSON.parse(readFileSync(join(__dirname, '..', 'events', 'orders.json'), 'utf8')) as MSKEvent;
const context = { functionName: 'orders', awsRequestId: 'test-request' } as Context;

test('the record that is not an order is the only batch item failure', async () => {
  const result = await handler(event, context);
  expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'mytopic-0', offset: 17 } }] });
});

test('a batch of orders has no failure', async () => {
  const records = { 'mytopic-0': event.records['mytopic-0'].slice(0, 2) };
  const result = await handler({ ...event, records }, context);
  expect(result).toEqual({ batchItemFailures: [] });
});
