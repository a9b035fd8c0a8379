/**
 * Resolving CloudFormation values of a template locally: literals and the
 * pseudo parameters (`AWS::Region`, `AWS::AccountId`, ...) inside `Fn::Join`
 * and `Fn::Sub`. Anything that needs a deployed resource (`Ref` to a
 * resource, `Fn::GetAtt`, imports) cannot be resolved and is reported.
 */

/** Values of the pseudo parameters used locally. */
export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
}

export const LOCAL_PSEUDO: PseudoParameters = { region: 'us-east-1', accountId: '123456789012' };

/** The result: a string, or undefined with a readable form of what could not be resolved. */
export type Resolved = { readonly value: string } | { readonly unresolved: string };

function pseudo(name: string, p: PseudoParameters): string | undefined {
  switch (name) {
    case 'AWS::Region': return p.region;
    case 'AWS::AccountId': return p.accountId;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return 'local';
    case 'AWS::NoValue': return '';
    default: return undefined;
  }
}

/** Resolves `value` to a string when it is made only of literals and pseudo parameters. */
export function resolveValue(value: unknown, p: PseudoParameters = LOCAL_PSEUDO): Resolved {
  if (typeof value === 'string') return { value };
  if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = (value as Record<string, unknown>)[fn];
      if (fn === 'Ref' && typeof arg === 'string') {
        const v = pseudo(arg, p);
        if (v !== undefined) return { value: v };
      }
      if (fn === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
        const parts: string[] = [];
        for (const part of arg[1]) {
          const r = resolveValue(part, p);
          if (!('value' in r)) return { unresolved: describe(value) };
          parts.push(r.value);
        }
        return { value: parts.join(arg[0]) };
      }
      if (fn === 'Fn::Sub' && typeof arg === 'string') {
        let ok = true;
        const out = arg.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
          const v = pseudo(name, p);
          if (v === undefined) ok = false;
          return v ?? '';
        });
        if (ok) return { value: out.replace(/\$\{!/g, '${') };
      }
    }
  }
  return { unresolved: describe(value) };
}

/** A short readable form of a CloudFormation expression: `{"Ref":"Queue4A7E3555"}`. */
export function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The logical id referenced by `{Ref: X}` or `{'Fn::GetAtt': [X, attr]}`, if `value` is one. */
export function referencedId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Every logical id referenced anywhere inside `value` (Ref, GetAtt, and inside Join/Sub). */
export function referencedIds(value: unknown, into: string[] = []): string[] {
  const direct = referencedId(value);
  if (direct) {
    into.push(direct);
    return into;
  }
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, into);
  } else if (value && typeof value === 'object') {
    const sub = (value as Record<string, unknown>)['Fn::Sub'];
    if (typeof sub === 'string') {
      for (const m of sub.matchAll(/\$\{([A-Za-z0-9]+)(\.[A-Za-z.]+)?\}/g)) into.push(m[1]);
    }
    for (const v of Object.values(value)) referencedIds(v, into);
  }
  return into;
}
