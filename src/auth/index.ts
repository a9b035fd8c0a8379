export * from './jwt-algorithm';
export * from './oidc-claim-rule';
export * from './oidc-authorizer';
