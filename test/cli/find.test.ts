/** Naming a function: construct path, logical id, suffix, enclosing construct; typos get the closest names. */
import { FunctionInfo } from '../../src/runtime/cli/assembly';
import { editDistance, findFunction, shortName } from '../../src/runtime/cli/find';

const fn = (path: string, logicalId: string): FunctionInfo => ({
  path,
  logicalId,
  stack: path.split('/')[0],
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  handler: 'index.handler',
  memorySize: 128,
  timeout: 3,
  environment: {},
  triggers: [],
  sources: [],
});
const all = [
  fn('App/Api/Handler', 'ApiHandler1234'),
  fn('App/Jobs/Function', 'JobsFunctionABCD'),
  fn('App/Other/Handler', 'OtherHandler5678'),
  fn('App/Hello', 'Hello9999'),
];

describe('findFunction', () => {
  test('construct path, logical id, unambiguous suffix, enclosing construct', () => {
    expect(findFunction('App/Api/Handler', all).logicalId).toBe('ApiHandler1234');
    expect(findFunction('/App/Api/Handler/Resource', all).logicalId).toBe('ApiHandler1234');
    expect(findFunction('JobsFunctionABCD', all).path).toBe('App/Jobs/Function');
    expect(findFunction('Api/Handler', all).path).toBe('App/Api/Handler');
    expect(findFunction('Hello', all).path).toBe('App/Hello');
    expect(findFunction('Jobs', all).path).toBe('App/Jobs/Function');
    expect(findFunction('hello', all).path).toBe('App/Hello');
  });

  test('an ambiguous name lists the candidates', () => {
    expect(() => findFunction('Handler', all)).toThrow(/'Handler' is ambiguous; it matches:\n {2}App\/Api\/Handler .*\n {2}App\/Other\/Handler/);
  });

  test('a typo gets the closest names', () => {
    expect(() => findFunction('Helo', all)).toThrow(/no function 'Helo' in the assembly. Did you mean:\n {2}Hello {2}\(App\/Hello\)/);
    expect(() => findFunction('Jbos', all)).toThrow(/Did you mean:\n {2}Function {2}\(App\/Jobs\/Function\)/);
    expect(() => findFunction('zzzzzzzzzzzzzz', all)).toThrow(/Functions:\n {2}App\/Api\/Handler/);
  });

  test('short names and edit distance', () => {
    expect(all.map((f) => shortName(f, all))).toEqual(['Api/Handler', 'Function', 'Other/Handler', 'Hello']);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ABC', 'abc')).toBe(0);
  });
});
