import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TypeScriptFunction } from 'cdk-ts-lambda';
import { Construct } from 'constructs';

/** A function whose answer streams to the caller through its function URL (InvokeMode RESPONSE_STREAM). */
export class AppStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const fn = new TypeScriptFunction(this, 'Progress', {
      entry: 'src/handler.ts',
      description: 'Streams its progress, one line per step, through a function URL',
    });
    const url = fn.addFunctionUrl({
      // callers sign their requests (SigV4) and need lambda:InvokeFunctionUrl;
      // FunctionUrlAuthType.NONE would make the URL public to anyone
      authType: lambda.FunctionUrlAuthType.AWS_IAM,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
    new CfnOutput(this, 'ProgressUrl', { value: url.url });
  }
}
