/**
 * A JWS signature algorithm the OIDC authorizer can verify. Symmetric
 * algorithms (HS256/384/512) and `none` are deliberately absent: an
 * authorizer that holds only public keys must never accept them.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export enum JwtAlgorithm {
  /** RSASSA-PKCS1-v1_5 with SHA-256 (keys of 2048 bits or more) */
  RS256 = 'RS256',
  /** RSASSA-PKCS1-v1_5 with SHA-384 (keys of 2048 bits or more) */
  RS384 = 'RS384',
  /** RSASSA-PKCS1-v1_5 with SHA-512 (keys of 2048 bits or more) */
  RS512 = 'RS512',
  /** RSASSA-PSS with SHA-256 (keys of 2048 bits or more) */
  PS256 = 'PS256',
  /** RSASSA-PSS with SHA-384 (keys of 2048 bits or more) */
  PS384 = 'PS384',
  /** RSASSA-PSS with SHA-512 (keys of 2048 bits or more) */
  PS512 = 'PS512',
  /** ECDSA with P-256 and SHA-256 */
  ES256 = 'ES256',
  /** ECDSA with P-384 and SHA-384 */
  ES384 = 'ES384',
  /** ECDSA with P-521 and SHA-512 */
  ES512 = 'ES512',
  /** EdDSA with Ed25519 or Ed448 */
  EDDSA = 'EdDSA',
}
