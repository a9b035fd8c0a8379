/**
 * HTTP API route selection: a request goes to the most specific route
 * (exact paths over paths with `{param}` over greedy `{param+}`, a route of
 * the request's own method over `ANY`), and to `$default` when none matches.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */

export interface CompiledRoute<T> {
  readonly routeKey: string;
  /** undefined for `$default` */
  readonly method?: string;
  readonly segments: readonly string[];
  readonly greedy: boolean;
  readonly params: number;
  readonly value: T;
}

export interface RouteMatch<T> {
  readonly route: CompiledRoute<T>;
  /** decoded path parameters; undefined when the route has none */
  readonly pathParameters?: Record<string, string>;
}

export function compileRoute<T>(routeKey: string, value: T): CompiledRoute<T> {
  if (routeKey === '$default') return { routeKey, segments: [], greedy: false, params: 0, value };
  const space = routeKey.indexOf(' ');
  const method = routeKey.slice(0, space);
  const path = routeKey.slice(space + 1);
  const segments = path === '/' ? [] : path.slice(1).split('/');
  const greedy = segments.length > 0 && /^\{.+\+\}$/.test(segments[segments.length - 1]);
  const params = segments.filter((s) => s.startsWith('{')).length;
  return { routeKey, method, segments, greedy, params, value };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Path parameters of `route` for `parts`, or undefined when it does not match. */
function matchPath<T>(route: CompiledRoute<T>, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const fixed = route.greedy ? route.segments.length - 1 : route.segments.length;
  if (route.greedy ? parts.length < route.segments.length : parts.length !== route.segments.length) return undefined;
  for (let i = 0; i < fixed; i++) {
    const seg = route.segments[i];
    if (seg.startsWith('{')) {
      if (parts[i] === '') return undefined;
      params[seg.slice(1, -1)] = decode(parts[i]);
    } else if (seg !== parts[i]) {
      return undefined;
    }
  }
  if (route.greedy) {
    const rest = parts.slice(fixed);
    if (rest.length === 0 || rest.every((p) => p === '')) return undefined;
    params[route.segments[fixed].slice(1, -2)] = decode(rest.join('/'));
  }
  return params;
}

/** Orders routes most specific first. */
function specificity<T>(a: CompiledRoute<T>, b: CompiledRoute<T>): number {
  const rank = (r: CompiledRoute<T>) => (r.greedy ? 2 : r.params > 0 ? 1 : 0);
  return rank(a) - rank(b)
    // more literal segments first; with greedy routes, the longer fixed prefix first
    || (b.segments.length - b.params) - (a.segments.length - a.params)
    || b.segments.length - a.segments.length
    // the first parameter later in the path is more specific (/a/b/{x} before /a/{x}/c)
    || firstParam(b) - firstParam(a)
    || (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

function firstParam<T>(r: CompiledRoute<T>): number {
  const i = r.segments.findIndex((s) => s.startsWith('{'));
  return i < 0 ? r.segments.length : i;
}

/** Routes of one API, ready to match requests. */
export class Router<T> {
  private readonly routes: CompiledRoute<T>[];
  private readonly fallback?: CompiledRoute<T>;

  constructor(routes: ReadonlyArray<{ routeKey: string; value: T }>) {
    const compiled = routes.map((r) => compileRoute(r.routeKey, r.value));
    this.fallback = compiled.find((r) => r.routeKey === '$default');
    this.routes = compiled.filter((r) => r.routeKey !== '$default').sort(specificity);
  }

  /** The route for `method` and the raw path (no query), or undefined (404). */
  public match(method: string, rawPath: string): RouteMatch<T> | undefined {
    const parts = rawPath === '/' || rawPath === '' ? [] : rawPath.replace(/^\//, '').split('/');
    for (const route of this.routes) {
      if (route.method !== method && route.method !== 'ANY') continue;
      const params = matchPath(route, parts);
      if (params) return { route, pathParameters: route.params > 0 ? params : undefined };
    }
    return this.fallback ? { route: this.fallback } : undefined;
  }
}
