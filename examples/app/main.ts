/**
 * The example app: one stack that uses every construct of cdk-ts-lambda.
 * `npm run demo` synthesizes it with the cdk CLI into cdk.out and runs its
 * functions locally. Each area adds its constructs from its own file
 * (one import and one call below). Tests import `app` and `stack` from here
 * (cdk-nag over the whole app); only running this file synthesizes.
 */
import { App, Stack } from 'aws-cdk-lib';
import { addConsumers } from './consumers';
import { addHttpApi } from './http';
import { handlerPath } from './paths';
import { addStreaming } from './streaming';
import { TypeScriptFunction } from '../../src';

export { handlerPath };

export const app = new App();
export const stack = new Stack(app, 'CdkTsLambdaExample', {
  description: 'cdk-ts-lambda example app',
});

new TypeScriptFunction(stack, 'Hello', {
  entry: handlerPath('hello.ts'),
  description: 'Greets whoever calls it',
});

addConsumers(stack);
addHttpApi(stack);
addStreaming(stack);

if (require.main === module) {
  app.synth();
}
