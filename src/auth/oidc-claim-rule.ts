/**
 * A declarative rule on one top-level claim of the token, checked by the
 * OIDC authorizer after the signature and the standard claims. A token that
 * fails any rule is denied.
 *
 * Values are compared as text: a string claim as it is, a number or boolean
 * claim as its JSON text (`true`, `42`); objects and null never match.
 *
 * @example
 * OidcClaimRule.equalTo('tenant', 'acme');
 * OidcClaimRule.oneOf('role', ['admin', 'editor']);
 * OidcClaimRule.contains('groups', 'staff');
 */
export class OidcClaimRule {
  /** The claim must equal `value` (e.g. `equalTo('email_verified', 'true')`). */
  public static equalTo(claim: string, value: string): OidcClaimRule {
    return new OidcClaimRule(claim, 'equals', [value]);
  }

  /** The claim must equal one of `values`. */
  public static oneOf(claim: string, values: string[]): OidcClaimRule {
    return new OidcClaimRule(claim, 'oneOf', [...values]);
  }

  /**
   * The claim must contain `value`: as a member when the claim is an array,
   * as a whole word when it is a space-separated string (never as a
   * substring).
   */
  public static contains(claim: string, value: string): OidcClaimRule {
    return new OidcClaimRule(claim, 'contains', [value]);
  }

  /** The claim's name (a top-level member of the token's payload). */
  public readonly claim: string;

  /** The operator: `equals`, `oneOf` or `contains`. */
  public readonly operator: string;

  /** The values the rule compares with. */
  public readonly values: string[];

  private constructor(claim: string, operator: string, values: string[]) {
    this.claim = claim;
    this.operator = operator;
    this.values = values;
  }
}
