import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler } from '../src/handler';

const event = JSON.parse(readFileSync(join(__dirname, '..', 'events', 'get-hello.json'), 'utf8')) as APIGatewayProxyEventV2;

test('GET /hello?name=Ada answers a greeting and the engine', async () => {
  const result = await handler(event);
  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body as string)).toEqual({ message: 'Hello, Ada!', engine: `node ${process.versions.node}` });
});

test('a name over 100 characters is refused with 400', async () => {
  const result = await handler({ ...event, queryStringParameters: { name: 'x'.repeat(101) } });
  expect(result.statusCode).toBe(400);
});
