/**
 * GET /hello?name=... answers {"message": "Hello, <name>!", "engine": ...}:
 * on Lambda the engine is Bun (started by cdk-ts-lambda's runtime interface
 * client); in the unit tests it is Node.js.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The engine running this code, e.g. `bun 1.4.5` or `node 22.12.0`. */
export function engine(): string {
  const bun = (globalThis as { Bun?: { version: string } }).Bun;
  return bun ? `bun ${bun.version}` : `node ${process.versions.node}`;
}

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const name = event.queryStringParameters?.name ?? 'world';
  if (name.length > 100) return json(400, { message: 'name is longer than 100 characters' });
  return json(200, { message: `Hello, ${name}!`, engine: engine() });
};

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
