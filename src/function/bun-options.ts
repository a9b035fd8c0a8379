/**
 * Options of `FunctionRuntime.bun()`: which Bun and how to get it.
 */
export interface BunOptions {
  /**
   * The exact Bun version, e.g. `1.2.21`: the engine is the npm package
   * `@oven/bun-linux-aarch64` (arm64) or `@oven/bun-linux-x64` (x86_64) of
   * that version. No ranges and no "latest": a build says which engine it ships.
   * @default - required unless `binaryPath` is given
   */
  readonly version?: string;

  /**
   * SRI integrity (`sha512-...`) of the engine's npm tarball for the
   * function's architecture; the package is refused when it differs.
   * npm checks the tarball against the registry's own integrity either way.
   * @default - the registry's integrity only
   */
  readonly integrity?: string;

  /**
   * A local `bun` executable for Linux on the function's architecture, for
   * offline and air-gapped builds. Nothing is downloaded.
   * @default - the npm package is fetched with `npm pack`
   */
  readonly binaryPath?: string;

  /**
   * The npm registry to fetch the engine package from.
   * @default - npm's configured registry
   */
  readonly registry?: string;
}
