import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handler } from '../src/handler';

const event = JSON.parse(readFileSync(join(__dirname, '..', 'events', 'get-hello.json'), 'utf8')) as APIGatewayProxyEventV2;
const context = { functionName: 'hello', awsRequestId: 'test-request' } as Context;

test('GET /hello?name=Ada answers a greeting as JSON', async () => {
  const result = await handler(event, context);
  expect(result.statusCode).toBe(200);
  expect(result.headers).toEqual({ 'content-type': 'application/json' });
  expect(JSON.parse(result.body as string)).toEqual({ message: 'Hello, Ada!' });
});

test('without a name it greets the world', async () => {
  const result = await handler({ ...event, queryStringParameters: undefined }, context);
  expect(JSON.parse(result.body as string)).toEqual({ message: 'Hello, world!' });
});

test('a name over 100 characters is refused with 400', async () => {
  const result = await handler({ ...event, queryStringParameters: { name: 'x'.repeat(101) } }, context);
  expect(result.statusCode).toBe(400);
});
