/**
 * The example app: one stack that uses every construct of cdk-ts-lambda.
 * `npm run demo` synthesizes it with the cdk CLI into cdk.out and runs its
 * functions locally. Each area adds its constructs from its own file.
 */
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { TypeScriptFunction } from '../../src';

const app = new App();
const stack = new Stack(app, 'CdkTsLambdaExample', {
  description: 'cdk-ts-lambda example app',
});

/** Path of an example handler. */
export function handlerPath(name: string): string {
  return join(__dirname, 'handlers', name);
}

new TypeScriptFunction(stack, 'Hello', {
  entry: handlerPath('hello.ts'),
  description: 'Greets whoever calls it',
});

app.synth();
