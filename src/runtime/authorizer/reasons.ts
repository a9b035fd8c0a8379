/**
 * Why a request was denied: a short code, the only thing the authorizer logs
 * about a token (never the token or its claims).
 *
 * `malformed` reasons mean "no usable token" (REST APIs answer 401); every
 * other reason is an invalid token (403).
 */
export type DenyReason =
  // no usable token (401 on REST APIs)
  | 'token_missing' | 'token_too_long' | 'token_segments' | 'token_encoding' | 'token_json'
  // header
  | 'alg_not_allowed' | 'header_crit' | 'kid_invalid'
  // keys
  | 'kid_unknown' | 'kid_ambiguous' | 'jwks_unavailable' | 'key_alg_mismatch'
  // signature
  | 'signature_invalid'
  // claims
  | 'claim_forbidden_name' | 'exp_missing' | 'exp_invalid' | 'expired' | 'nbf_invalid' | 'not_yet_valid'
  | 'iat_invalid' | 'iat_future' | 'token_too_old' | 'iss_mismatch' | 'aud_mismatch' | 'scope_missing'
  | 'claim_rule_failed' | 'principal_missing'
  // the authorizer itself
  | 'config_invalid' | 'internal_error';

const MALFORMED: ReadonlySet<DenyReason> = new Set<DenyReason>([
  'token_missing', 'token_too_long', 'token_segments', 'token_encoding', 'token_json',
]);

/** Whether the reason means there was no parseable token (401 rather than 403 on REST APIs). */
export function isMalformed(reason: DenyReason): boolean {
  return MALFORMED.has(reason);
}
