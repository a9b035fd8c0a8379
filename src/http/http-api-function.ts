import { Annotations, CfnOutput, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { parseRouteKey, ParsedRouteKey } from './private/route-key';
import { TypeScriptFunction, TypeScriptFunctionProps } from '../function/typescript-function';
import { propError } from '../private/errors';

/** The stage throttling applied when `throttle` leaves a limit out. */
const DEFAULT_RATE_LIMIT = 1000;
const DEFAULT_BURST_LIMIT = 500;
/** API Gateway's default account-level quotas, which a stage can't exceed. */
const MAX_RATE_LIMIT = 10_000;
const MAX_BURST_LIMIT = 5_000;

/**
 * The JSON access log format: one JSON object per request, with what is
 * needed to debug a failed request (route, status, latencies, integration and
 * authorizer errors).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
const ACCESS_LOG_FIELDS: { [field: string]: string } = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  requestTimeEpoch: '$context.requestTimeEpoch',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  domainName: '$context.domainName',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationRequestId: '$context.integration.requestId',
  integrationError: '$context.integrationErrorMessage',
  principalId: '$context.authorizer.principalId',
  authorizerError: '$context.authorizer.error',
  errorMessage: '$context.error.message',
  errorResponseType: '$context.error.responseType',
};

/**
 * Properties of an HttpApiFunction: every TypeScriptFunction prop (the
 * function behind the API), plus the HTTP API's routes, authorization, CORS,
 * throttling, access logs and custom domain.
 */
export interface HttpApiFunctionProps extends TypeScriptFunctionProps {
  /**
   * The routes that go to the function, as HTTP API route keys:
   * `'<METHOD> <path>'` (methods GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS
   * or ANY; paths start with '/', parameters are whole segments such as
   * `{id}`, a greedy `{proxy+}` only as the last segment), or `'$default'`
   * (every request no other route matches).
   * @default ['ANY /', 'ANY /{proxy+}'] - the whole API goes to the function
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
   */
  readonly routes?: string[];

  /**
   * The authorizer of every route not listed in `publicRoutes`, for example
   * `OidcAuthorizer.httpAuthorizer` or an `HttpJwtAuthorizer`.
   * @default - no authorizer: every route is open, and the construct says so
   *   in a warning annotation (list the routes in `publicRoutes` to make an
   *   open API an explicit choice)
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;

  /**
   * Routes (exactly as written in `routes`) that are deliberately public:
   * no authorizer runs on them.
   * @default [] - every route uses `authorizer`
   */
  readonly publicRoutes?: string[];

  /**
   * OAuth scopes required on every protected route (any one of them grants
   * access). Only JWT authorizers (`HttpJwtAuthorizer`,
   * `HttpUserPoolAuthorizer`) support route scopes; a Lambda authorizer such
   * as OidcAuthorizer checks scopes itself.
   * @default - no scopes required
   */
  readonly authorizationScopes?: string[];

  /**
   * OAuth scopes per route key, replacing `authorizationScopes` on those
   * routes. Same JWT-only rule as `authorizationScopes`.
   * @default - every protected route uses `authorizationScopes`
   */
  readonly routeScopes?: { [routeKey: string]: string[] };

  /**
   * CORS: the preflight (OPTIONS) responses and headers API Gateway adds.
   * @default - no CORS
   */
  readonly cors?: apigwv2.CorsPreflightOptions;

  /**
   * Throttling of the `$default` stage: steady-state requests per second
   * (`rateLimit`, 0 < rate <= 10,000) and burst (`burstLimit`, an integer
   * 1..5,000), within API Gateway's default account quotas. A limit left out
   * takes its default.
   * @default { rateLimit: 1000, burstLimit: 500 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;

  /**
   * The name of the HTTP API. (Its description is the function's `description`.)
   * @default - the construct's id
   */
  readonly apiName?: string;

  /**
   * Write access logs (one JSON object per request) to a log group.
   * @default true
   */
  readonly accessLogs?: boolean;

  /**
   * The log group of the access logs.
   * @default - a log group that the construct creates, with `accessLogRetention`
   */
  readonly accessLogGroup?: logs.ILogGroup;

  /**
   * How long the access log group that the construct creates keeps logs.
   * Ignored when `accessLogGroup` is given.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;

  /**
   * A custom domain name for the API (e.g. `api.example.com`), mapped to the
   * `$default` stage. Requires `certificate`. Point a DNS record at
   * `domainName.regionalDomainName` yourself.
   * @default - no custom domain
   */
  readonly domainName?: string;

  /**
   * The ACM certificate of `domainName`, in the stack's region.
   * @default - none; required with `domainName`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Turn off the default `execute-api` endpoint, so that clients can only
   * call the API through `domainName`.
   * @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;

  /**
   * Add a stack output with the API's URL.
   * @default false
   */
  readonly urlOutput?: boolean;
}

/**
 * A TypeScript Lambda function behind an API Gateway HTTP API (payload
 * format 2.0), production-ready by default: an authorizer on every route
 * unless a route is declared public, the `$default` stage with auto-deploy,
 * throttling, and JSON access logs in a log group with a retention.
 *
 * @example
 * const auth = new OidcAuthorizer(this, 'Auth', { issuer: 'https://issuer.example.com/', audiences: ['pets'] });
 * new HttpApiFunction(this, 'Pets', {
 *   entry: 'src/handlers/pets.ts',
 *   routes: ['GET /pets', 'POST /pets', 'GET /health'],
 *   authorizer: auth.httpAuthorizer,
 *   publicRoutes: ['GET /health'],
 * });
 */
export class HttpApiFunction extends Construct {
  /** The HTTP API. */
  public readonly api: apigwv2.HttpApi;

  /** The function behind the API. */
  public readonly function: TypeScriptFunction;

  /** The `$default` stage (auto-deployed). */
  public readonly stage: apigwv2.HttpStage;

  /** The routes, by route key. */
  public readonly routes: { [routeKey: string]: apigwv2.HttpRoute };

  /** The log group of the access logs, unless `accessLogs` is false. */
  public readonly logGroup?: logs.ILogGroup;

  /** The custom domain, when `domainName` is given. */
  public readonly domainName?: apigwv2.DomainName;

  /**
   * The URL clients call: `https://<domainName>/` with a custom domain,
   * otherwise the `execute-api` URL of the `$default` stage (ends with '/').
   */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: HttpApiFunctionProps) {
    super(scope, id);
    const {
      routes: routesProp, authorizer, publicRoutes: publicProp, authorizationScopes, routeScopes, cors, throttle,
      apiName, accessLogs, accessLogGroup, accessLogRetention, domainName, certificate, disableExecuteApiEndpoint,
      urlOutput, ...functionProps
    } = props;

    const routeKeys = routesProp ?? ['ANY /', 'ANY /{proxy+}'];
    const parsed = this.validateRoutes(routeKeys);
    const publicRoutes = new Set(this.validatePublicRoutes(routeKeys, publicProp ?? []));
    this.validateScopes(routeKeys, publicRoutes, authorizer, authorizationScopes, routeScopes);
    const limits = this.validateThrottle(throttle);
    if (domainName !== undefined && !certificate) {
      throw propError(this, 'domainName', `'${domainName}' needs a certificate: set certificate to an ACM certificate for it, in the stack's region.`);
    }
    if (certificate && domainName === undefined) {
      throw propError(this, 'certificate', 'is only used with domainName: set domainName too, or drop certificate.');
    }
    if (domainName !== undefined && !Token.isUnresolved(domainName) && !/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/i.test(domainName)) {
      throw propError(this, 'domainName', `'${domainName}' must be a DNS name such as 'api.example.com' (no scheme, no path, no trailing dot).`);
    }
    if (disableExecuteApiEndpoint && domainName === undefined) {
      throw propError(this, 'disableExecuteApiEndpoint', 'without domainName would leave the API with no endpoint at all: set domainName too.');
    }
    if (accessLogs === false && accessLogGroup) {
      throw propError(this, 'accessLogGroup', 'is given but accessLogs is false: drop one of them.');
    }

    this.function = new TypeScriptFunction(this, 'Function', functionProps);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: apiName ?? id,
      description: props.description,
      corsPreflight: cors,
      createDefaultStage: false,
      disableExecuteApiEndpoint,
    });

    if (accessLogs !== false) {
      this.logGroup = accessLogGroup ?? new logs.LogGroup(this, 'AccessLogs', {
        retention: accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      if (accessLogGroup && accessLogRetention) {
        Annotations.of(this).addWarningV2('cdk-ts-lambda:accessLogRetentionIgnored', 'accessLogRetention is ignored because accessLogGroup is given.');
      }
    }

    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: limits,
      accessLogSettings: this.logGroup ? {
        destination: new apigwv2.LogGroupLogDestination(this.logGroup),
        format: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      } : undefined,
    });

    const integration = new HttpLambdaIntegration('Integration', this.function, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    this.routes = {};
    for (const route of parsed) {
      const isPublic = publicRoutes.has(route.key);
      const routeAuthorizer = isPublic ? undefined : authorizer;
      const scopes = routeAuthorizer ? (routeScopes?.[route.key] ?? authorizationScopes) : undefined;
      const httpRoute = new apigwv2.HttpRoute(this, `Route ${route.key.replace(/\//g, '|')}`, {
        httpApi: this.api,
        routeKey: route.method ? apigwv2.HttpRouteKey.with(route.path!, route.method as apigwv2.HttpMethod) : apigwv2.HttpRouteKey.DEFAULT,
        integration,
        authorizer: routeAuthorizer,
        authorizationScopes: scopes,
      });
      const cfnRoute = httpRoute.node.defaultChild as apigwv2.CfnRoute;
      if (scopes && scopes.length > 0 && cfnRoute.authorizationType !== 'JWT') {
        throw propError(this, routeScopes?.[route.key] ? `routeScopes['${route.key}']` : 'authorizationScopes',
          `needs a JWT authorizer (HttpJwtAuthorizer, HttpUserPoolAuthorizer), but the authorizer's type is ${cfnRoute.authorizationType}; a Lambda authorizer such as OidcAuthorizer checks scopes itself (see its requiredScopes).`);
      }
      if (isPublic) {
        // cdk-nag reads suppressions from this metadata; the route is public because the user listed it.
        cfnRoute.addMetadata('cdk_nag', {
          rules_to_suppress: [{
            id: 'AwsSolutions-APIG4',
            reason: `The route '${route.key}' is listed in publicRoutes of HttpApiFunction: it is public by the user's explicit choice.`,
          }],
        });
      }
      this.routes[route.key] = httpRoute;
    }

    const openRoutes = parsed.filter((r) => !publicRoutes.has(r.key));
    if (!authorizer && openRoutes.length > 0) {
      Annotations.of(this).addWarningV2('cdk-ts-lambda:httpApiNoAuthorizer',
        `The HTTP API has no authorizer, so anyone on the internet can call ${openRoutes.map((r) => `'${r.key}'`).join(', ')}. `
        + 'If that is intended, list the routes in publicRoutes; otherwise set authorizer (e.g. OidcAuthorizer.httpAuthorizer or an HttpJwtAuthorizer).');
    }

    if (domainName !== undefined) {
      this.domainName = new apigwv2.DomainName(this, 'DomainName', { domainName, certificate: certificate! });
      new apigwv2.ApiMapping(this, 'ApiMapping', { api: this.api, domainName: this.domainName, stage: this.stage });
      this.url = `https://${domainName}/`;
    } else {
      this.url = this.stage.url;
    }

    if (urlOutput) {
      new CfnOutput(this, 'Url', { value: this.url, description: `URL of the HTTP API ${this.node.path}` });
    }
  }

  private validateRoutes(routeKeys: string[]): ParsedRouteKey[] {
    if (routeKeys.length === 0) {
      throw propError(this, 'routes', "is empty: list at least one route key such as 'GET /pets', or leave routes out to send the whole API to the function.");
    }
    const seen = new Set<string>();
    return routeKeys.map((key) => {
      const route = parseRouteKey(key);
      if (typeof route === 'string') throw propError(this, 'routes', `entry '${key}' ${route}.`);
      if (seen.has(key)) throw propError(this, 'routes', `lists '${key}' twice; each route key must be unique.`);
      seen.add(key);
      return route;
    });
  }

  private validatePublicRoutes(routeKeys: string[], publicRoutes: string[]): string[] {
    const seen = new Set<string>();
    for (const key of publicRoutes) {
      if (!routeKeys.includes(key)) {
        throw propError(this, 'publicRoutes', `lists '${key}', which is not among routes (${routeKeys.map((k) => `'${k}'`).join(', ')}); route keys must match exactly.`);
      }
      if (seen.has(key)) throw propError(this, 'publicRoutes', `lists '${key}' twice.`);
      seen.add(key);
    }
    return publicRoutes;
  }

  private validateScopes(
    routeKeys: string[], publicRoutes: Set<string>, authorizer: apigwv2.IHttpRouteAuthorizer | undefined,
    authorizationScopes: string[] | undefined, routeScopes: { [routeKey: string]: string[] } | undefined,
  ): void {
    const checkList = (prop: string, scopes: string[]) => {
      if (scopes.length === 0) throw propError(this, prop, 'is empty: list at least one scope, or leave it out.');
      for (const scope of scopes) {
        if (typeof scope !== 'string' || scope.length === 0 || /\s/.test(scope)) {
          throw propError(this, prop, `has '${scope}', which is not an OAuth scope (a non-empty string with no spaces).`);
        }
      }
    };
    if (authorizationScopes) {
      if (!authorizer) throw propError(this, 'authorizationScopes', 'needs an authorizer: scopes are checked by a JWT authorizer.');
      checkList('authorizationScopes', authorizationScopes);
    }
    for (const [key, scopes] of Object.entries(routeScopes ?? {})) {
      const prop = `routeScopes['${key}']`;
      if (!authorizer) throw propError(this, prop, 'needs an authorizer: scopes are checked by a JWT authorizer.');
      if (!routeKeys.includes(key)) throw propError(this, 'routeScopes', `has '${key}', which is not among routes; route keys must match exactly.`);
      if (publicRoutes.has(key)) throw propError(this, prop, `is set but '${key}' is in publicRoutes, where no authorizer checks scopes.`);
      checkList(prop, scopes);
    }
  }

  private validateThrottle(throttle: apigwv2.ThrottleSettings | undefined): apigwv2.ThrottleSettings {
    const rateLimit = throttle?.rateLimit ?? DEFAULT_RATE_LIMIT;
    const burstLimit = throttle?.burstLimit ?? DEFAULT_BURST_LIMIT;
    if (!Token.isUnresolved(rateLimit) && !(Number.isFinite(rateLimit) && rateLimit > 0 && rateLimit <= MAX_RATE_LIMIT)) {
      throw propError(this, 'throttle.rateLimit', `is ${rateLimit}; it must be more than 0 and at most ${MAX_RATE_LIMIT} requests per second (API Gateway's default account quota, which a stage can't exceed).`);
    }
    if (!Token.isUnresolved(burstLimit) && !(Number.isInteger(burstLimit) && burstLimit >= 1 && burstLimit <= MAX_BURST_LIMIT)) {
      throw propError(this, 'throttle.burstLimit', `is ${burstLimit}; it must be an integer from 1 to ${MAX_BURST_LIMIT} requests (API Gateway's default account quota, which a stage can't exceed).`);
    }
    return { rateLimit, burstLimit };
  }
}
