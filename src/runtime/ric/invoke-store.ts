/**
 * The invoke store: where code reads the request id, X-Ray trace id and
 * tenant id of the invocation it runs for, with the interface of
 * `@aws/lambda-invoke-store`, which AWS's client (aws-lambda-ric 4.x,
 * `InvokeStore` in its index.mjs) installs as `globalThis.awslambda.InvokeStore`
 * and which Powertools and the AWS SDK read. Written here, not copied.
 *
 * - One invocation at a time: the store holds the context of the last
 *   invocation started (`InvokeStoreSingle`).
 * - Several at once (`AWS_LAMBDA_MAX_CONCURRENCY` set, Lambda Managed
 *   Instances): an `AsyncLocalStorage`, so each invocation's async work sees
 *   its own ids (`InvokeStoreMulti`); `_X_AMZN_TRACE_ID` is then not set,
 *   as one process-wide variable cannot belong to overlapping invocations.
 */

/** The keys the runtime sets; user code may read but not change them. */
export const PROTECTED_KEYS = {
  REQUEST_ID: Symbol.for('_AWS_LAMBDA_REQUEST_ID'),
  X_RAY_TRACE_ID: Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'),
  TENANT_ID: Symbol.for('_AWS_LAMBDA_TENANT_ID'),
} as const;

type Context = Record<string | symbol, unknown>;

interface AsyncStorage {
  getStore(): Context | undefined;
  run<R>(store: Context, fn: () => R): R;
}

export class InvokeStore {
  /** As `InvokeStoreBase.PROTECTED_KEYS` of @aws/lambda-invoke-store. */
  public static readonly PROTECTED_KEYS = PROTECTED_KEYS;
  private current: Context | undefined;

  /** @param als an AsyncLocalStorage for overlapping invocations; none for one at a time */
  constructor(private readonly als?: AsyncStorage) {}

  public getContext(): Context | undefined {
    return this.als ? this.als.getStore() : this.current;
  }

  public hasContext(): boolean {
    return this.getContext() !== undefined;
  }

  public get(key: string | symbol): unknown {
    return this.getContext()?.[key];
  }

  public set(key: string | symbol, value: unknown): void {
    if ((Object.values(PROTECTED_KEYS) as Array<string | symbol>).includes(key)) {
      throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    }
    if (this.als) {
      const store = this.als.getStore();
      if (!store) throw new Error('No context available');
      store[key] = value;
      return;
    }
    this.current = this.current ?? {};
    this.current[key] = value;
  }

  /** Runs `fn` with `context` as the current invocation's. */
  public run<R>(context: Context, fn: () => R): R {
    if (this.als) return this.als.run(context, fn);
    this.current = context;
    return fn();
  }

  public getRequestId(): string {
    return (this.get(PROTECTED_KEYS.REQUEST_ID) as string | undefined) ?? '-';
  }

  public getXRayTraceId(): string | undefined {
    return this.get(PROTECTED_KEYS.X_RAY_TRACE_ID) as string | undefined;
  }

  public getTenantId(): string | undefined {
    return this.get(PROTECTED_KEYS.TENANT_ID) as string | undefined;
  }
}

/** True when Lambda runs several invocations at once in this environment (aws-lambda-ric 4.x src/utils/env.ts). */
export function isMultiConcurrent(): boolean {
  return process.env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined;
}

/**
 * Creates the store (an AsyncLocalStorage one when invocations overlap) and
 * publishes it as `globalThis.awslambda.InvokeStore`, unless
 * `AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA` is true; one already published is reused.
 */
export async function createInvokeStore(): Promise<InvokeStore> {
  const store = isMultiConcurrent() ? new InvokeStore(new (await import('node:async_hooks')).AsyncLocalStorage<Context>()) : new InvokeStore();
  if (['true', '1'].includes(process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA ?? '')) return store;
  const g = globalThis as { awslambda?: { InvokeStore?: InvokeStore } };
  g.awslambda = g.awslambda ?? {};
  if (g.awslambda.InvokeStore) return g.awslambda.InvokeStore;
  g.awslambda.InvokeStore = store;
  return store;
}
