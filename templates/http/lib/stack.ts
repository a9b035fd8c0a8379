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
      // open to anyone, on purpose: add an authorizer (OidcAuthorizer, see the
      // `authorizer` template) before a route holds anything private
      publicRoutes: ['GET /hello'],
      urlOutput: true,
    });
  }
}
