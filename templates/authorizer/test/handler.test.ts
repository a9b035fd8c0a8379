import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import { CallerContext, handler } from '../src/handler';

type Event = APIGatewayProxyEventV2WithLambdaAuthorizer<CallerContext | null>;
const event = JSON.parse(readFileSync(join(__dirname, '..', 'events', 'get-me.json'), 'utf8')) as Event;

test('GET /me answers the principal the authorizer passed', async () => {
  const result = await handler(event);
  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body as string)).toEqual({ caller: 'user-1234' });
});

test('without an authorizer context GET /me answers 401', async () => {
  const result = await handler({ ...event, requestContext: { ...event.requestContext, authorizer: { lambda: null } } } as Event);
  expect(result.statusCode).toBe(401);
});
