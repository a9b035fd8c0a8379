import { Stack, StackProps } from 'aws-cdk-lib';
import { HttpApiFunction, OidcAuthorizer } from 'cdk-ts-lambda';
import { Construct } from 'constructs';

/**
 * Your identity provider (an OIDC issuer whose tokens carry `aud`): these
 * placeholders must be replaced before a deploy, here or with
 * `npx cdk deploy -c issuer=https://... -c audience=...`.
 */
const PLACEHOLDER_ISSUER = 'https://login.example.com/';
const PLACEHOLDER_AUDIENCE = 'my-api';

/** An HTTP API whose routes need a valid OIDC/JWT access token, checked by OidcAuthorizer. */
export class AppStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const auth = new OidcAuthorizer(this, 'Auth', {
      issuer: this.node.tryGetContext('issuer') ?? PLACEHOLDER_ISSUER,
      audiences: [this.node.tryGetContext('audience') ?? PLACEHOLDER_AUDIENCE],
    });
    new HttpApiFunction(this, 'Api', {
      entry: 'src/handler.ts',
      description: 'Answers who the caller is',
      routes: ['GET /me', 'GET /health'],
      authorizer: auth.httpAuthorizer,
      publicRoutes: ['GET /health'],
      urlOutput: true,
    });
  }
}
