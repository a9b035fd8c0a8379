import { Stack, StackProps } from 'aws-cdk-lib';
import { FunctionRuntime, HttpApiFunction } from 'cdk-ts-lambda';
import { Construct } from 'constructs';

/** The Bun version the function runs: its engine is the npm package @oven/bun-linux-aarch64 of this version. */
const BUN_VERSION = '__BUN_VERSION__';

/** An HTTP API in front of a TypeScript function run by Bun (a custom runtime on provided.al2023). */
export class AppStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new HttpApiFunction(this, 'Api', {
      entry: 'src/handler.ts',
      description: 'Says hello over HTTP, from Bun',
      runtime: FunctionRuntime.bun({ version: BUN_VERSION }),
      routes: ['GET /hello'],
      // open to anyone, on purpose: add an authorizer (OidcAuthorizer, see the
      // `authorizer` template) before a route holds anything private
      publicRoutes: ['GET /hello'],
      urlOutput: true,
    });
  }
}
