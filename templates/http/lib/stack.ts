import { Stack, StackProps } from 'aws-cdk-lib';
import { HttpApiFunction } from 'cdk-ts-lambda';
import { Construct } from 'constructs';

/** An HTTP API (API Gateway v2, payload 2.0) in front of one TypeScript function. */
export class AppStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new HttpApiFunction(this, 'Api', {
      entry: 'src/handler.ts',
      description: 'Says hello over HTTP',
      routes: ['GET /hello'],
      // an API without an authorizer is a choice: the construct warns about it
      // until you add one (see `ts-lambda new --template authorizer`)
      urlOutput: true,
    });
  }
}
