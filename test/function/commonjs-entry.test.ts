import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OutputFormat, TypeScriptFunction, TypeScriptFunctionProps } from '../../src';
import { isolateBundleCache } from '../helpers/fixtures';
import { runBundle } from '../helpers/run-bundle';

isolateBundleCache();
// handler shapes of aws-cdk's own NodejsFunction integ handlers (modules/cts, modules/cjs), written anew
const FIXTURE = join(__dirname, 'fixtures', 'cjs-entries', 'src');

function build(props: Partial<TypeScriptFunctionProps> & { entry: string }): TypeScriptFunction {
  const app = new App();
  const fn = new TypeScriptFunction(new Stack(app, 'Test'), 'Fn', props);
  app.synth();
  return fn;
}

/** The bundle report lines printed while `fn` runs. */
function reportOf(fn: () => void): string {
  const quiet = process.env.CDK_TS_LAMBDA_QUIET;
  delete process.env.CDK_TS_LAMBDA_QUIET;
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    fn();
    return spy.mock.calls.map((call) => String(call[0])).join('');
  } finally {
    spy.mockRestore();
    process.env.CDK_TS_LAMBDA_QUIET = quiet;
  }
}

describe('a CommonJS entry gets a CommonJS bundle by default', () => {
  test.each([
    ['digest.cts', { text: 'cdk' }, { sha256: createHash('sha256').update('cdk').digest('hex') }],
    ['echo.cjs', { a: 1 }, { echoed: { a: 1 }, file: 'index.js' }],
    ['upper.js', { text: 'abc' }, { upper: 'ABC' }],
  ])('%s synthesizes to index.js with handler index.handler, and runs', (file, event, expected) => {
    const fn = build({ entry: join(FIXTURE, file) });
    Template.fromStack(Stack.of(fn)).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler' });
    expect(existsSync(join(fn.assetPath, 'index.js'))).toBe(true);
    expect(existsSync(join(fn.assetPath, 'index.mjs'))).toBe(false);
    expect(runBundle(fn.assetPath, 'index.js', 'handler', event)).toEqual(expected);
  });

  test('the bundle report says why the bundle is CommonJS', () => {
    const report = reportOf(() => build({ entry: join(FIXTURE, 'echo.cjs') }));
    expect(report).toMatch(/Test\/Fn .*\(CommonJS bundle: the entry is a \.cjs file\)/);
    const js = reportOf(() => build({ entry: join(FIXTURE, 'upper.js') }));
    expect(js).toMatch(/\(CommonJS bundle: the entry uses CommonJS exports \(module\.exports\)\)/);
    const esm = reportOf(() => build({ entry: join(FIXTURE, 'esm.ts') }));
    expect(esm).toContain('Test/Fn');
    expect(esm).not.toContain('CommonJS');
  });

  test('an ES module that only mentions module.exports in a string stays ESM', () => {
    const fn = build({ entry: join(FIXTURE, 'esm.ts') });
    Template.fromStack(Stack.of(fn)).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler' });
    expect(existsSync(join(fn.assetPath, 'index.mjs'))).toBe(true);
  });

  test('an explicit format still wins', () => {
    expect(() => build({ entry: join(FIXTURE, 'echo.cjs'), bundling: { format: OutputFormat.ESM } }))
      .toThrow(/Its exports: 'default'\. The entry is CommonJS.*OutputFormat\.CJS/);
  });
});

describe('the export check holds for CommonJS entries', () => {
  test('a wrong handler name fails synth, listing the exports', () => {
    expect(() => build({ entry: join(FIXTURE, 'wrong-name.js') }))
      .toThrow(/Test\/Fn: the entry .*wrong-name\.js has no export named 'handler' \(handler\)\. Its exports: 'main', 'other'\./);
    expect(() => build({ entry: join(FIXTURE, 'upper.js'), handler: 'hanlder', bundling: { format: OutputFormat.CJS } }))
      .toThrow(/no export named 'hanlder'.*'handler', 'helper'/);
    expect(() => build({ entry: join(FIXTURE, 'digest.cts'), handler: 'main' }))
      .toThrow(/no export named 'main'.*Its exports: 'handler'\./);
  });

  test('a handler that is exported passes', () => {
    expect(() => build({ entry: join(FIXTURE, 'wrong-name.js'), handler: 'main' })).not.toThrow();
  });

  test('a re-export cannot be read without running it: no check, and it runs', () => {
    const fn = build({ entry: join(FIXTURE, 'reexport.js') });
    expect(runBundle(fn.assetPath, 'index.js', 'handler', {})).toEqual({ from: 'impl' });
  });
});
