import { IConstruct } from 'constructs';

/**
 * A synth-time error about a construct's props: names the construct and the
 * prop, and says what is allowed.
 */
export function propError(scope: IConstruct | string, prop: string, message: string): Error {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  return new Error(`${path}: ${prop} ${message}`);
}
