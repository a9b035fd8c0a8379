/**
 * Errors of the runtime itself (`Runtime.*`), and the error document posted
 * to the Runtime API, shaped as the managed Node.js runtime shapes it:
 * `{errorType, errorMessage, trace}` where `trace` is the stack split in lines.
 */
import { followsRic4Rules } from './runtime-rules';

/** An error the runtime raises about the user's code, named `Runtime.<kind>`. */
export class RuntimeError extends Error {
  constructor(kind: string, message: string) {
    super(message);
    // 3.x sets the name on each class's prototype, 4.x on the instance (then it
    // shows among the error's own properties in the logs)
    Object.defineProperty(this, 'name', { value: `Runtime.${kind}`, enumerable: followsRic4Rules(), writable: true, configurable: true });
  }
}

/** 4.x's class names where they are not the kind (JSON logs name an error by its class). */
const CLASS_NAMES_4X: Record<string, string> = {
  HandlerNotFound: 'HandlerNotFoundError',
  MalformedHandlerName: 'MalformedHandlerNameError',
  CallbackHandlerDeprecated: 'CallbackHandlerDeprecatedError',
};
const classes = new Map<string, new (kind: string, message: string) => RuntimeError>();

/**
 * A `Runtime.<kind>` error of a class named as AWS's client names it: the
 * kind up to nodejs22.x (3.x `src/Errors.js`), `HandlerNotFoundError`... from
 * with 4.x's rules (nodejs24.x on, Managed Instances: runtime-rules.ts; 4.0.2 `dist/utils/errors.js`); JSON logs show the class name as `errorType`.
 */
function runtimeError(kind: string, message: string): RuntimeError {
  const className = followsRic4Rules() ? (CLASS_NAMES_4X[kind] ?? kind) : kind;
  let cls = classes.get(className);
  if (!cls) {
    cls = ({ [className]: class extends RuntimeError {} })[className];
    classes.set(className, cls);
  }
  return new cls(kind, message);
}

/** The `_HANDLER` module could not be found. */
export const importModuleError = (cause: unknown) => runtimeError('ImportModuleError', String(cause));
/** The `_HANDLER` module has a syntax error; with 4.x's rules (nodejs24.x on, Managed Instances) with the SyntaxError's stack (aws-lambda-ric 4.0.2 dist/utils/errors.js). */
export const userCodeSyntaxError = (cause: unknown) => {
  const error = runtimeError('UserCodeSyntaxError', String(cause));
  if (followsRic4Rules()) error.stack = (cause as { stack?: string } | null)?.stack;
  return error;
};
/** The module has no such export, or it is not a function. */
export const handlerNotFound = (message: string) => runtimeError('HandlerNotFound', message);
/** `_HANDLER` is not `module.function`. */
export const malformedHandlerName = (message: string) => runtimeError('MalformedHandlerName', message);

/** The handler's promise never settled and nothing else was left to run. */
export const nodeJsExit = () => runtimeError('NodeJsExit',
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes');

/** A callback-style handler where 4.x's rules apply (nodejs24.x on, Managed Instances; aws-lambda-ric 4.0.2 `dist/function/callback-deprecation.js`). */
export const callbackHandlerDeprecated = (message: string) => runtimeError('CallbackHandlerDeprecated', message);

/** The result cannot be serialized: `Runtime.JSONStringifyError` with 4.x's rules (nodejs24.x on, Managed Instances; aws-lambda-ric 4.0.2 `dist/utils/serialize.js`), a plain `Error` before. */
export const jsonStringifyError = (runtimeKind: boolean) => (runtimeKind
  ? runtimeError('JSONStringifyError', 'Unable to stringify response body')
  : new Error('Unable to stringify response body'));

/**
 * A promise was rejected and nobody handled it (up to nodejs22.x; 4.x has no
 * such hook): with the `reason` and `promise` as own properties, which its
 * log line shows (aws-lambda-ric 3.3.0 src/Errors.js UnhandledPromiseRejection).
 */
export class UnhandledPromiseRejection extends RuntimeError {
  constructor(public readonly reason: unknown, public readonly promise?: unknown) {
    super('UnhandledPromiseRejection', String(reason));
  }
}
export const unhandledPromiseRejection = (reason: unknown, promise?: unknown) => new UnhandledPromiseRejection(reason, promise);

/** The body posted to `invocation/{id}/error` and `init/error`. */
export interface ErrorDocument {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: string[];
}

/**
 * Shapes anything thrown (or passed to a callback) as the managed runtime
 * does. With `errorsOnly` (4.x rules, nodejs24.x on and Managed Instances: aws-lambda-ric 4.0.2
 * `dist/utils/error.js` formatError) only an `Error` instance counts as an
 * error; 3.x also takes an object with string `name`, `message` and `stack`.
 */
export function toErrorDocument(error: unknown, errorsOnly = false): ErrorDocument {
  try {
    if (errorsOnly ? error instanceof Error : isErrorLike(error)) {
      const e = error as { name: string; message: string; stack?: string };
      // 0x7F (DEL) is escaped by the managed runtime: it is not allowed in headers
      return {
        errorType: String(e.name).replaceAll('\x7F', '%7F'),
        errorMessage: String(e.message).replaceAll('\x7F', '%7F'),
        trace: typeof e.stack === 'string' ? e.stack.replaceAll('\x7F', '%7F').split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

/** What the runtime logs for a failure: an Error as it is, anything else wrapped (`intoError` of both clients). */
export function intoError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The text log form of an error after its label, `\t` + JSON with the
 * name, message, code, own properties and stack lines (aws-lambda-ric
 * `Errors.toFormatted`, 4.0.2 `dist/utils/error.js` the same).
 */
export function toFormatted(error: Error): string {
  try {
    return '\t' + JSON.stringify(error, (_key, value) => withEnumerableProperties(value));
  } catch {
    return '\t' + JSON.stringify(toErrorDocument(error));
  }
}

function withEnumerableProperties(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const fields: Record<string, unknown> = Object.assign<Record<string, unknown>, Error>(
    { errorType: value.name, errorMessage: value.message, code: (value as { code?: unknown }).code },
    value,
  );
  if (typeof value.stack === 'string') fields.stack = value.stack.split('\n');
  return fields;
}

function isErrorLike(value: unknown): value is { name: string; message: string; stack: string } {
  if (value instanceof Error && typeof value.stack === 'string') return true;
  const v = value as { name?: unknown; message?: unknown; stack?: unknown } | null;
  return !!v && typeof v.name === 'string' && typeof v.message === 'string' && typeof v.stack === 'string' && !!v.name && !!v.message;
}
