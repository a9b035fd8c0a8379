/**
 * Errors of the runtime itself (`Runtime.*`), and the error document posted
 * to the Runtime API, shaped as the managed Node.js runtime shapes it:
 * `{errorType, errorMessage, trace}` where `trace` is the stack split in lines.
 */

/** An error the runtime raises about the user's code, named `Runtime.<kind>`. */
export class RuntimeError extends Error {
  constructor(kind: string, message: string) {
    super(message);
    this.name = `Runtime.${kind}`;
  }
}

/** The `_HANDLER` module could not be found. */
export const importModuleError = (cause: unknown) => new RuntimeError('ImportModuleError', String(cause));
/** The `_HANDLER` module has a syntax error. */
export const userCodeSyntaxError = (cause: unknown) => new RuntimeError('UserCodeSyntaxError', String(cause));
/** The module has no such export, or it is not a function. */
export const handlerNotFound = (message: string) => new RuntimeError('HandlerNotFound', message);
/** `_HANDLER` is not `module.function`. */
export const malformedHandlerName = (message: string) => new RuntimeError('MalformedHandlerName', message);

/** The handler's promise never settled and nothing else was left to run. */
export const nodeJsExit = () => new RuntimeError('NodeJsExit',
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes');

/** A promise was rejected and nobody handled it. */
export const unhandledPromiseRejection = (reason: unknown) => new RuntimeError('UnhandledPromiseRejection', String(reason));

/** The body posted to `invocation/{id}/error` and `init/error`. */
export interface ErrorDocument {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: string[];
}

/** Shapes anything thrown (or passed to a callback) as the managed runtime does. */
export function toErrorDocument(error: unknown): ErrorDocument {
  try {
    if (isErrorLike(error)) {
      // 0x7F (DEL) is escaped by the managed runtime: it is not allowed in headers
      return {
        errorType: error.name.replaceAll('\x7F', '%7F'),
        errorMessage: error.message.replaceAll('\x7F', '%7F'),
        trace: error.stack.replaceAll('\x7F', '%7F').split('\n'),
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

function isErrorLike(value: unknown): value is { name: string; message: string; stack: string } {
  if (value instanceof Error && typeof value.stack === 'string') return true;
  const v = value as { name?: unknown; message?: unknown; stack?: unknown } | null;
  return !!v && typeof v.name === 'string' && typeof v.message === 'string' && typeof v.stack === 'string' && !!v.name && !!v.message;
}
