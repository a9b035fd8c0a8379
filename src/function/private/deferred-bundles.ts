import { AspectPriority, Aspects, CfnResource, IAspect, Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { BundlePlan, BundleResult, buildBundles } from './bundler';

/**
 * Bundles whose esbuild call waits until the app needs them, so that every
 * cache miss of an app shares one esbuild call: a construct cannot see the
 * functions created after it, and one call with 50 entries costs a fraction
 * of 50 calls.
 *
 * A function whose bundle is pending gets a `PendingBundleCode`: its S3
 * location is a token that builds the pending bundles of the app when it is
 * first resolved. An aspect on the stack builds them at the start of
 * synthesis, before anything else reads the template, so that a bundling
 * error is thrown as is, naming its construct. Reading a function's
 * `assetPath` or `bundleSize` builds them too.
 */
export interface PendingBundle {
  readonly plan: BundlePlan;
  /** Takes the built (or cached) bundle; `ms` is this bundle's share of the build time. */
  complete(result: BundleResult, ms: number): void;
}

/** Pending bundles by the root of their construct tree (the app): separate apps never build together. */
const pendingByRoot = new WeakMap<IConstruct, PendingBundle[]>();
const stacksWithAspect = new WeakSet<Stack>();

/** Registers a bundle to build together with the app's other pending bundles. */
export function deferBundle(scope: Construct, pending: PendingBundle): void {
  const root = scope.node.root;
  const list = pendingByRoot.get(root);
  if (list) list.push(pending);
  else pendingByRoot.set(root, [pending]);
  const stack = Stack.of(scope);
  if (!stacksWithAspect.has(stack)) {
    stacksWithAspect.add(stack);
    Aspects.of(stack).add(new BuildPendingBundles(), { priority: AspectPriority.MUTATING });
  }
}

/** Builds every pending bundle of the app that `scope` belongs to; the first failure throws. */
export function buildPendingBundles(scope: IConstruct): void {
  const root = scope.node.root;
  const list = pendingByRoot.get(root);
  if (!list || list.length === 0) return;
  pendingByRoot.delete(root);
  const started = Date.now();
  let results: BundleResult[];
  try {
    results = buildBundles(list.map((pending) => pending.plan));
  } catch (err) {
    pendingByRoot.set(root, list); // a later attempt fails the same way, not with a missing bundle
    throw err;
  }
  const ms = Math.round((Date.now() - started) / list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      list[i].complete(results[i], ms);
    } catch (err) {
      pendingByRoot.set(root, list.slice(i));
      throw err;
    }
  }
}

/** Builds the pending bundles at the start of synthesis. */
class BuildPendingBundles implements IAspect {
  public visit(node: IConstruct): void {
    buildPendingBundles(node);
  }
}

/**
 * The code of a function whose bundle is pending: what `lambda.Function`
 * gets at construction. Once the bundle is built, `complete` binds an asset
 * code to the function exactly as `lambda.Function` would have (an `Asset`
 * named `Code` under the function, and its metadata on the resource).
 */
export class PendingBundleCode extends lambda.Code {
  public readonly isInline = false;
  private scope?: Construct;
  private resource?: { resource: CfnResource; options?: lambda.ResourceBindOptions };
  private config?: lambda.CodeConfig;

  constructor(private readonly label: string) {
    super();
  }

  public bind(scope: Construct): lambda.CodeConfig {
    this.scope = scope;
    return {
      s3Location: {
        bucketName: Lazy.string({ produce: () => this.location().bucketName }),
        objectKey: Lazy.string({ produce: () => this.location().objectKey }),
      },
    };
  }

  public bindToResource(resource: CfnResource, options?: lambda.ResourceBindOptions): void {
    this.resource = { resource, options };
  }

  /** Binds the built asset to the function. */
  public complete(result: BundleResult): void {
    if (!this.scope) throw new Error(`${this.label}: the bundle was built before the function bound its code.`);
    const code = lambda.Code.fromAsset(result.assetDir, { assetHash: result.assetHash });
    this.config = code.bind(this.scope);
    if (this.resource) code.bindToResource(this.resource.resource, this.resource.options);
  }

  private location(): { bucketName: string; objectKey: string } {
    if (!this.config && this.scope) buildPendingBundles(this.scope);
    const location = this.config?.s3Location;
    if (!location) throw new Error(`${this.label}: the bundle was not built.`);
    return location;
  }
}
