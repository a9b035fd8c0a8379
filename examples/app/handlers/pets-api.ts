/**
 * The pets API: a small router over the HTTP API payload 2.0 event.
 * (Powertools' event-handler is not a dependency of this project yet, so the
 * router is plain code; it routes on the method and the raw path, so it works
 * behind specific routes, `ANY /{proxy+}` and `$default` alike.)
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

interface Pet { readonly id: string; readonly name: string; readonly owner?: string }

const pets = new Map<string, Pet>([
  ['1', { id: '1', name: 'Rex' }],
  ['2', { id: '2', name: 'Tom' }],
]);

type Route = (event: APIGatewayProxyEventV2, params: Record<string, string>) => APIGatewayProxyStructuredResultV2;

const routes: Array<[method: string, pattern: RegExp, route: Route]> = [
  ['GET', /^\/$/, () => json(200, { service: 'pets', routes: ['GET /pets', 'POST /pets', 'GET /pets/{id}'] })],
  ['GET', /^\/pets$/, () => json(200, { pets: [...pets.values()] })],
  ['POST', /^\/pets$/, (event) => {
    const body = parseBody(event);
    if (!body || typeof body.name !== 'string' || body.name.length === 0) {
      return json(400, { message: 'Body must be JSON with a non-empty "name".' });
    }
    const id = String(pets.size + 1);
    const pet: Pet = { id, name: body.name, owner: caller(event) };
    pets.set(id, pet);
    return json(201, pet, { location: `/pets/${id}` });
  }],
  ['GET', /^\/pets\/(?<id>[^/]+)$/, (_event, params) => {
    const pet = pets.get(params.id);
    return pet ? json(200, pet) : json(404, { message: `No pet with id ${params.id}.` });
  }],
];

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  for (const [routeMethod, pattern, route] of routes) {
    const match = pattern.exec(path);
    if (match && routeMethod === method) return route(event, { ...match.groups });
  }
  return json(404, { message: `Not found: ${method} ${path}` });
};

/**
 * Who called: the token's subject from a JWT authorizer, or the principal id
 * a Lambda authorizer (such as OidcAuthorizer) put in its context.
 */
function caller(event: APIGatewayProxyEventV2): string | undefined {
  type Authorizer = { jwt?: { claims?: Record<string, unknown> }; lambda?: Record<string, unknown> | null };
  const authorizer = (event.requestContext as { authorizer?: Authorizer }).authorizer;
  const sub = authorizer?.jwt?.claims?.sub ?? authorizer?.lambda?.principalId;
  return typeof sub === 'string' ? sub : undefined;
}

function parseBody(event: APIGatewayProxyEventV2): { name?: unknown } | undefined {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? value as { name?: unknown } : undefined;
  } catch {
    return undefined;
  }
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
