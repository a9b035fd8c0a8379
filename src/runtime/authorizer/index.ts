/**
 * Entry point of the OIDC authorizer Lambda function (bundled by
 * scripts/build-runtime.ts into assets/authorizer/index.mjs).
 *
 * Configuration: environment variables set by the OidcAuthorizer construct,
 * listed with their meaning in ENV (src/auth/private/contract.ts):
 * OIDC_ISSUER, OIDC_JWKS_URI, OIDC_AUDIENCES, OIDC_ALLOW_ANY_AUDIENCE,
 * OIDC_ALGORITHMS, OIDC_PRINCIPAL_ID_CLAIMS, OIDC_CONTEXT_CLAIMS,
 * OIDC_REQUIRED_SCOPES, OIDC_CLAIM_RULES, OIDC_CLOCK_TOLERANCE_SECONDS,
 * OIDC_MAX_TOKEN_AGE_SECONDS, OIDC_JWKS, OIDC_JWKS_CACHE_MAX_AGE_SECONDS,
 * OIDC_JWKS_COOLDOWN_SECONDS, OIDC_JWKS_FETCH_TIMEOUT_MS.
 */
import { createAuthorizer } from './authorizer';
import { AuthorizerConfig, loadConfig } from './config';

function configFromEnv(): AuthorizerConfig | Error {
  try {
    return loadConfig(process.env);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** The Lambda handler. */
export const handler = createAuthorizer(configFromEnv());
