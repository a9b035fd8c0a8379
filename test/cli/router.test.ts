/** Route selection as API Gateway does it for HTTP APIs. */
import { Router } from '../../src/runtime/cli/http/router';

const keys = [
  'GET /pets',
  'GET /pets/{id}',
  'GET /pets/dog/1',
  'ANY /pets/{id}',
  'POST /pets/{id}/toys/{toy}',
  'GET /pets/{id}/toys/{toy}',
  'ANY /pets/{proxy+}',
  'ANY /{proxy+}',
  'GET /',
  '$default',
];
const router = new Router(keys.map((routeKey) => ({ routeKey, value: routeKey })));
const route = (method: string, path: string) => router.match(method, path)?.route.routeKey;

describe('HTTP API route matching', () => {
  test('exact paths win over parameters, parameters over greedy', () => {
    expect(route('GET', '/pets/dog/1')).toBe('GET /pets/dog/1');
    expect(route('GET', '/pets/7')).toBe('GET /pets/{id}');
    expect(route('GET', '/pets/7/toys/ball')).toBe('GET /pets/{id}/toys/{toy}');
    expect(route('GET', '/pets/7/food')).toBe('ANY /pets/{proxy+}');
    expect(route('GET', '/cats/1')).toBe('ANY /{proxy+}');
    expect(route('GET', '/pets')).toBe('GET /pets');
    expect(route('GET', '/')).toBe('GET /');
  });

  test('the request method over ANY; ANY when the method has no route', () => {
    expect(route('DELETE', '/pets/7')).toBe('ANY /pets/{id}');
    expect(route('POST', '/pets/7/toys/ball')).toBe('POST /pets/{id}/toys/{toy}');
    expect(route('PUT', '/pets/7/toys/ball')).toBe('ANY /pets/{proxy+}');
  });

  test('a greedy variable needs at least one segment; $default catches the rest', () => {
    expect(route('POST', '/')).toBe('$default');
    expect(route('POST', '/pets')).toBe('ANY /{proxy+}');
  });

  test('path parameters are decoded; greedy ones keep their slashes', () => {
    expect(router.match('GET', '/pets/a%20b')?.pathParameters).toEqual({ id: 'a b' });
    expect(router.match('GET', '/pets/7/food/dry')?.pathParameters).toEqual({ proxy: '7/food/dry' });
    expect(router.match('GET', '/pets')?.pathParameters).toBeUndefined();
  });

  test('no route and no $default → no match (404)', () => {
    const small = new Router([{ routeKey: 'GET /a', value: 1 }]);
    expect(small.match('GET', '/b')).toBeUndefined();
    expect(small.match('POST', '/a')).toBeUndefined();
    expect(small.match('GET', '/a')?.route.value).toBe(1);
  });
});
