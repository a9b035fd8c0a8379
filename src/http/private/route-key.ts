/** The HTTP methods an HTTP API route key may use. */
export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;

/** A parsed route key: `$default`, or a method and a path. */
export interface ParsedRouteKey {
  /** The route key as given. */
  readonly key: string;
  /** The method; undefined for `$default`. */
  readonly method?: string;
  /** The path; undefined for `$default`. */
  readonly path?: string;
}

/** Characters allowed in a literal path segment (RFC 3986 pchar, minus what API Gateway reserves). */
const LITERAL_SEGMENT = /^[A-Za-z0-9._~!$&'()*,;=:@%+-]+$/;
const PARAM_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_.-]*(\+)?\}$/;

/**
 * Parses an HTTP API route key (`'GET /pets'`, `'ANY /{proxy+}'`, `'$default'`)
 * and returns it, or a sentence saying what is wrong with it.
 */
export function parseRouteKey(key: string): ParsedRouteKey | string {
  if (typeof key !== 'string' || key.length === 0) return 'is empty';
  if (key === '$default') return { key };
  const match = /^(\S+) (\S+)$/.exec(key);
  if (!match) return "must be '<METHOD> <path>' (one space, e.g. 'GET /pets') or '$default'";
  const [, method, path] = match;
  if (!(ROUTE_METHODS as readonly string[]).includes(method)) {
    const hint = (ROUTE_METHODS as readonly string[]).includes(method.toUpperCase()) ? ` (methods are upper case: '${method.toUpperCase()}')` : '';
    return `has method '${method}'${hint}; allowed: ${ROUTE_METHODS.join(', ')}`;
  }
  if (!path.startsWith('/')) return `has path '${path}', which must start with '/'`;
  if (path === '/') return { key, method, path };
  if (path.endsWith('/')) return `has path '${path}', which must not end with '/'`;
  const segments = path.slice(1).split('/');
  const names = new Set<string>();
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '') return `has path '${path}' with an empty segment ('//')`;
    if (segment.includes('{') || segment.includes('}')) {
      const param = PARAM_SEGMENT.exec(segment);
      if (!param) return `has path '${path}' with segment '${segment}': a path parameter is a whole segment, '{name}' or '{name+}'`;
      if (param[1] && i !== segments.length - 1) return `has path '${path}': the greedy parameter '${segment}' must be the last segment`;
      const name = segment.replace(/[{}+]/g, '');
      if (names.has(name)) return `has path '${path}' with the parameter '${name}' twice`;
      names.add(name);
    } else if (!LITERAL_SEGMENT.test(segment)) {
      return `has path '${path}' with segment '${segment}', which has characters a route path can't have`;
    }
  }
  return { key, method, path };
}
