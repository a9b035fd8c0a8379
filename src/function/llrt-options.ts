/**
 * Which LLRT build the function runs on: they differ in the AWS SDK v3
 * clients built into the binary (and so left out of the bundle).
 */
export enum LlrtBinaryType {
  /**
   * The standard build (`llrt-lambda-<arch>.zip`): the most used AWS SDK v3
   * clients are built in (DynamoDB, S3, SQS, SNS, Lambda, KMS, STS, SSM,
   * Secrets Manager, SES, EventBridge, CloudWatch Logs/Events, Step
   * Functions, X-Ray, Cognito Identity); any other client is bundled.
   */
  STANDARD = 'standard',
  /** No AWS SDK built in (`llrt-lambda-<arch>-no-sdk.zip`): everything is bundled. */
  NO_SDK = 'no-sdk',
  /** Every AWS SDK v3 client built in (`llrt-lambda-<arch>-full-sdk.zip`). */
  FULL_SDK = 'full-sdk',
}

/**
 * Options of `FunctionRuntime.llrt()`: which LLRT release and how to get it.
 */
export interface LlrtOptions {
  /**
   * The LLRT release tag, e.g. `v0.7.0-beta`. There is no "latest": a build
   * must say which binary it ships, so that it can be verified and cached.
   * @default - required unless `binaryPath` is given
   */
  readonly version?: string;

  /**
   * Which build of the release.
   * @default LlrtBinaryType.STANDARD
   */
  readonly binaryType?: LlrtBinaryType;

  /**
   * SHA-256 (hex) of the release zip, as published with the release; the
   * download is refused when it differs. Required for downloads.
   * @default - required unless `binaryPath` is given
   */
  readonly sha256?: string;

  /**
   * A local LLRT `bootstrap` binary, or a local `llrt-lambda-*.zip`, for
   * offline and air-gapped builds. Nothing is downloaded.
   * @default - the release is downloaded
   */
  readonly binaryPath?: string;

  /**
   * Where release files are downloaded from: `<releaseBaseUrl>/<version>/<file>`.
   * @default 'https://github.com/awslabs/llrt/releases/download'
   */
  readonly releaseBaseUrl?: string;
}
