/**
 * `ts-lambda serve`: every HTTP API of the assembly on localhost (one port
 * each, from --port up), routes matched and events built as API Gateway does,
 * Lambda authorizers run before the route, and each function's URL under
 * `/lambda-url/<name>/` (streamed as it comes when its `AWS::Lambda::Url` has
 * `InvokeMode: RESPONSE_STREAM`, see http/url-stream.ts). `--watch`
 * re-synthesizes and reloads on changes.
 */
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Assembly, FunctionInfo, HttpApiInfo, RouteInfo } from './assembly';
import { EnvFile } from './env';
import { CliError } from './errors';
import { matchFunctions } from './find';
import { LambdaAuthorizer } from './http/authorizer';
import { isPreflight, preflightResponse, withCors } from './http/cors';
import { ApiTarget, headersAndCookies, HttpRequest, httpApiEvent, httpApiEventV1, requestParts } from './http/request';
import { gatewayError, HttpResponse, mapResponse, mapResponseV1 } from './http/response';
import { Router } from './http/router';
import { FunctionUrlStream } from './http/url-stream';
import { EmulatorRunner, FunctionRunner, tenantProblem } from './runner';
import { lastSynthReads } from './synth';
import { oneAtATime, SourceWatcher, watchSynthInputs } from './watch';

/** The account id of the local API Gateway (`requestContext.accountId`), the one AWS documentation uses. */
const ACCOUNT_ID_LOCAL = '123456789012';

/** HTTP APIs give an integration at most 30 s, then answer 503. */
const INTEGRATION_TIMEOUT_MS = 30_000;

export interface ServeContext {
  /** Reads the assembly (synthesizing first when --app is given). */
  readonly loadAssembly: () => Promise<Assembly>;
  readonly envFile: EnvFile;
  readonly arch?: 'arm64' | 'x86_64';
  /** --concurrency: invocations per execution environment for every function. */
  readonly concurrency?: number;
  readonly say: (line: string) => void;
  /** `--inspect[=PORT]`: functions wait for a debugger, each on its own port from PORT up. */
  readonly inspect?: { readonly port: number; readonly brk?: boolean };
}

export interface ServeOptions {
  readonly port?: string;
  readonly host?: string;
  readonly watch?: boolean;
  readonly app?: string;
  readonly region?: string;
  readonly assembly?: string;
}

/** A short stable id from a construct path (API ids are 10 characters, function URL ids 32). */
function stableId(path: string, length: number): string {
  return BigInt(`0x${createHash('sha256').update(path).digest('hex')}`).toString(36).slice(0, length);
}

/** Everything a request needs, rebuilt on every reload. */
export class Gateway {
  public readonly routers = new Map<string, Router<RouteInfo>>();
  public readonly authorizers = new Map<string, LambdaAuthorizer>();

  constructor(
    public readonly assembly: Assembly,
    public readonly runner: FunctionRunner,
    private readonly region: string,
  ) {
    for (const api of assembly.httpApis) {
      this.routers.set(api.path, new Router(api.routes.map((r) => ({ routeKey: r.routeKey, value: r }))));
    }
  }

  private fn(path: string): FunctionInfo | undefined {
    return this.assembly.functions.find((f) => f.path === path);
  }

  private authorizer(route: RouteInfo): LambdaAuthorizer | undefined {
    const info = route.authorizer;
    if (!info) return undefined;
    let authorizer = this.authorizers.get(info.logicalId);
    if (!authorizer) {
      const fn = info.functionPath ? this.fn(info.functionPath) : undefined;
      authorizer = new LambdaAuthorizer(info, async (event) => {
        if (!fn) return { ok: false, payload: Buffer.alloc(0), reason: `the function of authorizer ${info.name} is not in the assembly` };
        if (fn.unsupported) return { ok: false, payload: Buffer.alloc(0), reason: `${fn.path} cannot run locally: ${fn.unsupported}` };
        const r = await this.runner.invoke(fn, event);
        return { ok: r.ok, payload: r.payload, reason: r.ok ? undefined : `the authorizer failed: ${r.payload.toString('utf8')}` };
      });
      this.authorizers.set(info.logicalId, authorizer);
    }
    return authorizer;
  }

  /**
   * Answers a request to `api` (or to a function URL when the path starts
   * with /lambda-url/). A streaming function URL writes its answer to `res`
   * as it comes (then `sent` is true).
   */
  public async handle(
    api: HttpApiInfo | undefined, request: HttpRequest, res?: ServerResponse,
  ): Promise<{ response: HttpResponse; note: string; sent?: boolean }> {
    const path = request.url.split('?')[0];
    if (path === '/lambda-url' || path.startsWith('/lambda-url/')) return this.functionUrl(request, res);
    if (!api) return { response: gatewayError(404), note: 'no HTTP API on this port; function URLs are under /lambda-url/<name>/' };
    if (!api.cors) return this.route(api, request, path);
    const { headers } = headersAndCookies(request.rawHeaders);
    if (isPreflight(request.method, headers)) return { response: preflightResponse(api.cors, headers), note: 'CORS preflight, answered by the API' };
    const answer = await this.route(api, request, path);
    return { ...answer, response: withCors(api.cors, headers.origin, answer.response) };
  }

  private async route(api: HttpApiInfo, request: HttpRequest, path: string): Promise<{ response: HttpResponse; note: string }> {
    // a named stage (not `$default`) is the first segment of the path
    let routePath = path;
    if (api.stageName !== '$default') {
      const prefix = `/${api.stageName}`;
      if (path !== prefix && !path.startsWith(`${prefix}/`)) return { response: gatewayError(404), note: `the API's stage is ${api.stageName}: paths start with ${prefix}/` };
      routePath = path.slice(prefix.length) || '/';
    }
    const match = this.routers.get(api.path)?.match(request.method, routePath);
    if (!match) return { response: gatewayError(404), note: 'no route matches' };
    const route = match.route.value;
    const target: ApiTarget = {
      apiId: stableId(api.path, 10),
      accountId: ACCOUNT_ID_LOCAL,
      region: this.region,
      stage: api.stageName,
      routeKey: route.routeKey,
      pathParameters: match.pathParameters,
      stageVariables: api.stageVariables,
    };
    if (route.unsupported || !route.functionPath) {
      return { response: gatewayError(500), note: `route ${route.routeKey} cannot be served locally: ${route.unsupported}` };
    }
    if (route.payloadFormatVersion !== '2.0' && route.payloadFormatVersion !== '1.0') {
      return { response: gatewayError(500), note: `route ${route.routeKey} uses payload format ${route.payloadFormatVersion}, which API Gateway does not know` };
    }
    const parts = requestParts(request, target);
    let authorizerContext: unknown;
    if (route.authorizationType === 'CUSTOM') {
      const authorizer = this.authorizer(route);
      if (!authorizer) return { response: gatewayError(500), note: `route ${route.routeKey} has a CUSTOM authorizer that is not in the template` };
      const decision = await authorizer.authorize(request, parts, target);
      if (decision.kind === 'deny') return { response: gatewayError(decision.status), note: `authorizer ${authorizer.info.name}: ${decision.reason}` };
      if (decision.kind === 'error') return { response: gatewayError(500), note: `authorizer ${authorizer.info.name}: ${decision.reason}` };
      authorizerContext = decision.context ?? null;
    } else if (route.authorizationType === 'JWT' || route.authorizationType === 'AWS_IAM') {
      const what = route.authorizationType === 'JWT' ? `a JWT authorizer (${route.authorizer?.name ?? '?'})` : 'IAM authorization';
      return {
        response: gatewayError(501, `ts-lambda serve cannot check ${what} locally; use a Lambda REQUEST authorizer (OidcAuthorizer) or call the function with \`ts-lambda invoke --example http-jwt\``),
        note: `route ${route.routeKey} uses ${what}, which is not supported locally`,
      };
    }
    const fn = this.fn(route.functionPath)!;
    const withAuth = { ...target, authorizerContext: route.authorizationType === 'CUSTOM' ? authorizerContext : undefined };
    if (route.payloadFormatVersion === '1.0') {
      const event = httpApiEventV1(parts, withAuth, request);
      return this.call(fn, event, parts.requestContext.requestId, route.routeKey, true, mapResponseV1, tenantIdOf(request));
    }
    return this.call(fn, httpApiEvent(parts, withAuth), parts.requestContext.requestId, route.routeKey, true, mapResponse, tenantIdOf(request));
  }

  /** Invokes `fn` and maps its answer; an API route (`gateway`) gets API Gateway's integration timeout, a function URL none. */
  private async call(
    fn: FunctionInfo, event: Record<string, unknown>, requestId: string, label: string, gateway = true, map = mapResponse, tenantId?: string,
  ): Promise<{ response: HttpResponse; note: string }> {
    if (fn.unsupported) return { response: withRequestId(gatewayError(500), requestId), note: `${fn.path} cannot run locally: ${fn.unsupported}` };
    const problem = tenantProblem(fn, tenantId);
    if (problem) return { response: withRequestId(gatewayError(400, problem), requestId), note: `${label} → ${fn.path}: ${problem}` };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((done) => {
      if (gateway) timer = setTimeout(() => done(undefined), INTEGRATION_TIMEOUT_MS);
    });
    const result = await Promise.race([this.runner.invoke(fn, JSON.stringify(event), { tenantId }), timeout]).finally(() => clearTimeout(timer));
    if (!result) {
      return { response: withRequestId(gatewayError(503), requestId), note: `${label} → ${fn.path}: no answer within API Gateway's ${INTEGRATION_TIMEOUT_MS / 1000} s integration timeout` };
    }
    const note = `${label} → ${fn.path}, ${result.durationMs.toFixed(1)} ms`;
    if (!result.ok) {
      const response = gatewayError(500);
      return { response: withRequestId(response, requestId), note: `${note}; the function failed: ${result.payload.toString('utf8')}` };
    }
    let why: string | undefined;
    const response = map(result.payload, (w) => {
      why = w;
    });
    return { response: withRequestId(response, requestId), note: why ? `${note}; malformed response: ${why}` : note };
  }

  /** `/lambda-url/<name>/<path>`: the function's URL (payload 2.0, no authorizer). */
  private async functionUrl(request: HttpRequest, res?: ServerResponse): Promise<{ response: HttpResponse; note: string; sent?: boolean }> {
    const m = /^\/lambda-url\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(request.url);
    if (!m) return { response: gatewayError(404), note: 'function URLs are /lambda-url/<name>/' };
    const name = decodeURIComponent(m[1]);
    const found = matchFunctions(name, this.assembly.functions);
    if (found.length !== 1) {
      return { response: gatewayError(404, found.length > 1 ? `'${name}' names several functions` : `no function '${name}'`), note: `no single function '${name}'` };
    }
    const fn = found[0];
    const urlId = stableId(fn.path, 32);
    const target: ApiTarget = {
      apiId: urlId,
      accountId: 'anonymous',
      region: this.region,
      stage: '$default',
      routeKey: '$default',
      domainName: `${urlId}.lambda-url.${this.region}.on.aws`,
    };
    const parts = requestParts({ ...request, url: `${m[2] ?? '/'}${m[3] ?? ''}` }, target);
    const event = httpApiEvent(parts, target);
    const requestId = parts.requestContext.requestId;
    const tenantId = tenantIdOf(request);
    if (fn.urlInvokeMode === 'RESPONSE_STREAM' && res && !fn.unsupported && !tenantProblem(fn, tenantId)) {
      return this.streamUrl(fn, event, requestId, `function URL ${name}`, res, tenantId);
    }
    return this.call(fn, event, requestId, `function URL ${name}`, false, mapResponse, tenantId);
  }

  /** A RESPONSE_STREAM function URL: the function's stream goes to the caller as it comes. */
  private async streamUrl(
    fn: FunctionInfo, event: Record<string, unknown>, requestId: string, label: string, res: ServerResponse, tenantId?: string,
  ): Promise<{ response: HttpResponse; note: string; sent?: boolean }> {
    const stream = new FunctionUrlStream(res, requestId);
    const result = await this.runner.invoke(fn, JSON.stringify(event), { onStream: stream, tenantId });
    let note = `${label} (RESPONSE_STREAM) → ${fn.path}, ${result.durationMs.toFixed(1)} ms`;
    if (!result.ok && !stream.started) {
      return { response: withRequestId(gatewayError(500), requestId), note: `${note}; the function failed: ${result.payload.toString('utf8')}` };
    }
    const outcome = stream.finish(!result.ok);
    if (outcome.problem) note += `; ${outcome.problem}`;
    if (!result.ok) note += `: ${result.payload.toString('utf8')}`;
    return { response: { statusCode: outcome.statusCode, headers: {}, body: Buffer.alloc(0) }, note, sent: true };
  }

  /** A description of what is served, for people. */
  public describe(api: HttpApiInfo | undefined, url: string): string {
    const lines: string[] = [];
    if (api) {
      lines.push(`HTTP API ${api.path} (${api.name}) on ${url}`);
      for (const r of api.routes) {
        const auth = r.authorizationType === 'CUSTOM' ? `  [authorizer ${r.authorizer?.name ?? '?'}${r.authorizer?.ttlSeconds ? `, cached ${r.authorizer.ttlSeconds} s` : ''}]`
          : r.authorizationType === 'JWT' ? '  [JWT authorizer: not supported locally, answers 501]'
            : r.authorizationType === 'AWS_IAM' ? '  [IAM: not supported locally, answers 501]' : '';
        lines.push(`  ${r.routeKey.padEnd(24)} → ${r.functionPath ?? `(${r.unsupported})`}${auth}`);
      }
    }
    return lines.join('\n');
  }

  public functionUrls(url: string): string {
    const runnable = this.assembly.functions.filter((f) => !f.unsupported);
    return runnable.map((f) => `  ${url}/lambda-url/${urlName(f, this.assembly.functions)}/`).join('\n');
  }
}

/** The one-segment name of `fn` under /lambda-url/: its id, or the construct that holds it, or its logical id. */
export function urlName(fn: FunctionInfo, all: readonly FunctionInfo[]): string {
  const segments = fn.path.split('/').slice(1).reverse();
  const unique = segments.find((name) => {
    const found = matchFunctions(name, all);
    return found.length === 1 && found[0] === fn;
  });
  return unique ?? fn.logicalId;
}

/**
 * The tenant of a request to a function with tenant isolation: its
 * `X-Amz-Tenant-Id` header (the header of Lambda's Invoke API).
 */
function tenantIdOf(request: HttpRequest): string | undefined {
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i].toLowerCase() === 'x-amz-tenant-id') return request.rawHeaders[i + 1];
  }
  return undefined;
}

function withRequestId(response: HttpResponse, requestId: string): HttpResponse {
  return { ...response, headers: { ...response.headers, 'apigw-requestid': requestId } };
}

function readRequest(req: IncomingMessage, port: number): Promise<HttpRequest> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', fail);
    req.on('end', () => done({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      body: Buffer.concat(chunks),
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      protocol: `HTTP/${req.httpVersion}`,
      port,
    }));
  });
}

function send(res: ServerResponse, response: HttpResponse): void {
  res.writeHead(response.statusCode, { ...response.headers, 'content-length': response.body.length });
  res.end(response.body);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') fail(new CliError(`port ${port} on ${host} is in use; choose another with --port N (--port 0 picks a free one)`));
      else if (err.code === 'EACCES') fail(new CliError(`not allowed to listen on port ${port} of ${host}; choose a port above 1024 with --port N`));
      else fail(new CliError(`cannot listen on ${host}:${port}: ${err.message}`));
    });
    server.listen(port, host, () => done((server.address() as AddressInfo).port));
  });
}

export async function serve(options: ServeOptions, ctx: ServeContext): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const portText = options.port ?? '9000';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new CliError(`--port ${portText}: give a port number from 0 to 65535`, 2);
  const basePort = Number(portText);
  if (options.watch && !options.app) throw new CliError('--watch re-synthesizes the app when its sources change, so it needs --app "<command>"', 2);
  const region = options.region ?? 'us-east-1';

  const start = async (assembly: Assembly): Promise<Gateway> => {
    const runner = await EmulatorRunner.start({
      all: assembly.functions,
      envFile: ctx.envFile,
      arch: ctx.arch,
      concurrency: ctx.concurrency,
      inspect: ctx.inspect,
      region,
      onLog: (entry) => process.stderr.write(entry.text),
      notice: ctx.say,
    });
    const gateway = new Gateway(assembly, runner, region);
    // check every served function now: unresolved variables and missing tools are told at start
    for (const api of assembly.httpApis) {
      for (const route of api.routes) {
        for (const path of [route.functionPath, route.authorizer?.functionPath]) {
          const fn = path ? assembly.functions.find((f) => f.path === path) : undefined;
          if (fn && !fn.unsupported) {
            try {
              runner.prepare(fn);
            } catch (err) {
              if (err instanceof CliError) ctx.say(`ts-lambda: ${err.message}`);
              else throw err;
            }
          }
        }
      }
    }
    return gateway;
  };

  let gateway = await start(await ctx.loadAssembly());
  const apis = gateway.assembly.httpApis;
  const slots: Array<string | undefined> = apis.length > 0 ? apis.map((a) => a.path) : [undefined];
  const servers: Server[] = [];
  const urls: string[] = [];
  try {
    for (let i = 0; i < slots.length; i++) {
      const apiPath = slots[i];
      let port = 0;
      const server = createServer((req, res) => {
        readRequest(req, port)
          .then(async (request) => {
            const api = apiPath ? gateway.assembly.httpApis.find((a) => a.path === apiPath) : undefined;
            const started = Date.now();
            const { response, note, sent } = await gateway.handle(api, request, res);
            ctx.say(`${request.method} ${request.url} → ${response.statusCode} (${note}; ${Date.now() - started} ms)`);
            if (!sent) send(res, response);
          })
          .catch((err) => {
            ctx.say(`ts-lambda: ${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
            if (!res.headersSent) send(res, gatewayError(500));
            else res.destroy();
          });
      });
      servers.push(server);
      port = await listen(server, basePort === 0 ? 0 : basePort + i, host);
      urls.push(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    }
  } catch (err) {
    for (const s of servers) s.close();
    await gateway.runner.close();
    throw err;
  }

  const announce = () => {
    if (gateway.assembly.httpApis.length === 0) ctx.say(`ts-lambda: the assembly has no HTTP API; serving function URLs only on ${urls[0]}`);
    slots.forEach((apiPath, i) => {
      const api = apiPath ? gateway.assembly.httpApis.find((a) => a.path === apiPath) : undefined;
      if (api) ctx.say(`ts-lambda: serving ${gateway.describe(api, urls[i])}`);
    });
    ctx.say(`ts-lambda: function URLs:\n${gateway.functionUrls(urls[0])}`);
  };
  announce();

  let watcher: SourceWatcher | undefined;
  if (options.watch) {
    const root = process.cwd();
    const watchAgain = () => {
      watcher?.close();
      watcher = watchSynthInputs(root, lastSynthReads(), resolve(options.assembly ?? 'cdk.out'), ctx.say, (file) => {
        ctx.say(`ts-lambda: ${file} changed; re-synthesizing`);
        void reload();
      });
    };
    const reload = oneAtATime(async () => {
      try {
        const next = await start(await ctx.loadAssembly());
        const old = gateway;
        gateway = next;
        await old.runner.close();
        const added = next.assembly.httpApis.filter((a) => !slots.includes(a.path));
        if (added.length > 0) ctx.say(`ts-lambda: new HTTP APIs (${added.map((a) => a.path).join(', ')}) are served after a restart`);
        ctx.say('ts-lambda: reloaded');
        announce();
        watchAgain();
      } catch (err) {
        ctx.say(`ts-lambda: reload failed, still serving the previous version: ${(err as Error).message}`);
      }
    });
    watchAgain();
  }
  ctx.say('ts-lambda: ready (Ctrl+C to stop)');

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  ctx.say('ts-lambda: stopping');
  watcher?.close();
  await Promise.all(servers.map((s) => new Promise<void>((done) => {
    s.close(() => done());
    s.closeAllConnections();
  })));
  await gateway.runner.close();
  return 0;
}
