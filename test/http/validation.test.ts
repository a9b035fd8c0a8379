import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HttpApiFunction, HttpApiFunctionProps } from '../../src';
import { isolateBundleCache } from '../helpers/fixtures';

isolateBundleCache();

const ENTRY = join(__dirname, 'fixtures', 'hello-api.ts');

function synth(props: Partial<HttpApiFunctionProps>): () => void {
  return () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
    const resolved = typeof props.certificate === 'string'
      ? { ...props, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc') }
      : props;
    new HttpApiFunction(stack, 'Pets', { entry: ENTRY, ...resolved });
  };
}

const jwt = () => new HttpJwtAuthorizer('Jwt', 'https://issuer.example.com/', { jwtAudience: ['pets'] });
const CERT = 'cert' as unknown as acm.ICertificate; // replaced by a real certificate in synth()

describe('routes', () => {
  test.each([
    ['get /pets', /routes entry 'get \/pets' has method 'get' \(methods are upper case: 'GET'\); allowed: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY/],
    ['FETCH /pets', /routes entry 'FETCH \/pets' has method 'FETCH'; allowed: GET, POST/],
    ['GET pets', /routes entry 'GET pets' has path 'pets', which must start with '\/'/],
    ['GET', /routes entry 'GET' must be '<METHOD> <path>'/],
    ['GET  /pets', /routes entry 'GET {2}\/pets' must be '<METHOD> <path>'/],
    ['GET /pets/', /has path '\/pets\/', which must not end with '\/'/],
    ['GET /pets//toys', /with an empty segment/],
    ['GET /{proxy+}/toys', /greedy parameter '\{proxy\+\}' must be the last segment/],
    ['GET /pets/{id', /segment '\{id': a path parameter is a whole segment/],
    ['GET /pets/id-{id}', /segment 'id-\{id\}': a path parameter is a whole segment/],
    ['GET /a/{id}/b/{id}', /the parameter 'id' twice/],
    ['GET /pets?x=1', /segment 'pets\?x=1', which has characters a route path can't have/],
    ['', /routes entry '' is empty/],
  ])('malformed route key %p', (key, message) => {
    const prefix = message.source.startsWith('routes') ? '' : "routes entry '.*' .*";
    expect(synth({ routes: [key] })).toThrow(new RegExp(`^Test/Pets: ${prefix}${message.source}`));
  });

  test.each(['GET /pets', 'POST /pets/{id}', 'ANY /{proxy+}', '$default', 'DELETE /pets/{id}/toys/{toy+}', 'HEAD /', 'OPTIONS /v1/pets.json'])('accepts %p', (key) => {
    expect(synth({ routes: [key], publicRoutes: [key] })).not.toThrow();
  });

  test('empty routes', () => {
    expect(synth({ routes: [] })).toThrow(/^Test\/Pets: routes is empty: list at least one route key/);
  });

  test('duplicate routes', () => {
    expect(synth({ routes: ['GET /pets', 'POST /pets', 'GET /pets'] })).toThrow(/^Test\/Pets: routes lists 'GET \/pets' twice; each route key must be unique\./);
  });
});

describe('publicRoutes', () => {
  test('a public route that is not among the routes', () => {
    expect(synth({ routes: ['GET /pets'], authorizer: jwt(), publicRoutes: ['GET /health'] }))
      .toThrow(/^Test\/Pets: publicRoutes lists 'GET \/health', which is not among routes \('GET \/pets'\)/);
  });

  test('a public route that is not among the default routes', () => {
    expect(synth({ authorizer: jwt(), publicRoutes: ['GET /'] }))
      .toThrow(/publicRoutes lists 'GET \/', which is not among routes \('ANY \/', 'ANY \/\{proxy\+\}'\)/);
  });

  test('a public route listed twice', () => {
    expect(synth({ routes: ['GET /health'], authorizer: jwt(), publicRoutes: ['GET /health', 'GET /health'] }))
      .toThrow(/^Test\/Pets: publicRoutes lists 'GET \/health' twice/);
  });
});

describe('scopes', () => {
  test('authorizationScopes without an authorizer', () => {
    expect(synth({ authorizationScopes: ['pets/read'] })).toThrow(/^Test\/Pets: authorizationScopes needs an authorizer/);
  });

  test('routeScopes without an authorizer', () => {
    expect(synth({ routes: ['GET /pets'], routeScopes: { 'GET /pets': ['pets/read'] } })).toThrow(/^Test\/Pets: routeScopes\['GET \/pets'\] needs an authorizer/);
  });

  test('routeScopes for a route that is not among the routes', () => {
    expect(synth({ routes: ['GET /pets'], authorizer: jwt(), routeScopes: { 'POST /pets': ['pets/write'] } }))
      .toThrow(/^Test\/Pets: routeScopes has 'POST \/pets', which is not among routes/);
  });

  test('routeScopes for a public route', () => {
    expect(synth({ routes: ['GET /health'], authorizer: jwt(), publicRoutes: ['GET /health'], routeScopes: { 'GET /health': ['x'] } }))
      .toThrow(/^Test\/Pets: routeScopes\['GET \/health'\] is set but 'GET \/health' is in publicRoutes/);
  });

  test('empty or malformed scopes', () => {
    expect(synth({ authorizer: jwt(), authorizationScopes: [] })).toThrow(/^Test\/Pets: authorizationScopes is empty/);
    expect(synth({ authorizer: jwt(), authorizationScopes: ['pets read'] })).toThrow(/^Test\/Pets: authorizationScopes has 'pets read', which is not an OAuth scope/);
    expect(synth({ routes: ['GET /pets'], authorizer: jwt(), routeScopes: { 'GET /pets': [''] } })).toThrow(/^Test\/Pets: routeScopes\['GET \/pets'\] has '', which is not an OAuth scope/);
  });
});

describe('throttle', () => {
  test.each([
    [{ rateLimit: 0 }, /throttle\.rateLimit is 0; it must be more than 0 and at most 10000/],
    [{ rateLimit: -5 }, /throttle\.rateLimit is -5;/],
    [{ rateLimit: 10_001 }, /throttle\.rateLimit is 10001;/],
    [{ rateLimit: Number.NaN }, /throttle\.rateLimit is NaN;/],
    [{ burstLimit: 0 }, /throttle\.burstLimit is 0; it must be an integer from 1 to 5000/],
    [{ burstLimit: 5_001 }, /throttle\.burstLimit is 5001;/],
    [{ burstLimit: 2.5 }, /throttle\.burstLimit is 2.5;/],
  ])('out of range %p', (throttle, message) => {
    expect(synth({ throttle })).toThrow(new RegExp(`^Test/Pets: ${message.source}`));
  });

  test('the edges are accepted', () => {
    expect(synth({ throttle: { rateLimit: 10_000, burstLimit: 5_000 } })).not.toThrow();
    expect(synth({ throttle: { rateLimit: 0.5, burstLimit: 1 } })).not.toThrow();
  });
});

describe('custom domain and access logs', () => {
  test('domainName without certificate', () => {
    expect(synth({ domainName: 'api.example.com' })).toThrow(/^Test\/Pets: domainName 'api.example.com' needs a certificate/);
  });

  test('certificate without domainName', () => {
    expect(synth({ certificate: CERT })).toThrow(/^Test\/Pets: certificate is only used with domainName/);
  });

  test.each(['https://api.example.com', 'api.example.com/v1', 'api.example.com.', 'api'])('malformed domainName %p', (domainName) => {
    expect(synth({ domainName, certificate: CERT })).toThrow(/^Test\/Pets: domainName '.*' must be a DNS name/);
  });

  test('disableExecuteApiEndpoint without domainName', () => {
    expect(synth({ disableExecuteApiEndpoint: true })).toThrow(/^Test\/Pets: disableExecuteApiEndpoint without domainName would leave the API with no endpoint/);
  });

  test('accessLogGroup with accessLogs: false', () => {
    expect(() => {
      const stack = new Stack(new App(), 'Test');
      new HttpApiFunction(stack, 'Pets', { entry: ENTRY, accessLogs: false, accessLogGroup: new logs.LogGroup(stack, 'Logs') });
    }).toThrow(/^Test\/Pets: accessLogGroup is given but accessLogs is false/);
  });
});
