/**
 * The example app's streaming function: a TypeScriptFunction with a function
 * URL whose InvokeMode is RESPONSE_STREAM, so each line the handler writes
 * reaches the caller at once (`ts-lambda serve` streams it the same way).
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { handlerPath } from './paths';
import { TypeScriptFunction } from '../../src';

/** Adds the streaming Progress function and its function URL to `stack`. */
export function addStreaming(stack: Stack): TypeScriptFunction {
  const fn = new TypeScriptFunction(stack, 'Progress', {
    entry: handlerPath('progress.ts'),
    description: 'Streams its progress, one line per step, through a function URL',
  });
  const url = fn.addFunctionUrl({
    // callers sign their requests (SigV4); FunctionUrlAuthType.NONE makes it public
    authType: lambda.FunctionUrlAuthType.AWS_IAM,
    invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
  });
  new CfnOutput(stack, 'ProgressUrl', { value: url.url });
  return fn;
}
