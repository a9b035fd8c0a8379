/**
 * Integration test of TypeScriptFunction: deploys a function, invokes it
 * and checks its answer. `npm run integ` verifies the committed snapshot
 * without deploying; `npm run integ:deploy` runs it against a real account.
 */
import { join } from 'node:path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { acceptAssertionProviderRole } from './cfn-lint';
import { TypeScriptFunction } from '../src';

const app = new App();
const stack = new Stack(app, 'CdkTsLambdaIntegFunction');

const fn = new TypeScriptFunction(stack, 'Hello', {
  entry: join(__dirname, '..', 'examples', 'app', 'handlers', 'hello.ts'),
  bundling: { sourceMap: true },
});

const test = new IntegTest(app, 'FunctionTest', { testCases: [stack] });
acceptAssertionProviderRole(test);
test.assertions
  .invokeFunction({ functionName: fn.functionName, payload: JSON.stringify({ name: 'integ' }) })
  .expect(ExpectedResult.objectLike({
    StatusCode: 200,
    Payload: JSON.stringify({ message: 'Hello, integ!' }),
  }));
