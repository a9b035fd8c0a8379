// The public API of cdk-ts-lambda: re-exports only.
export * from './function';
export * from './http';
export * from './sqs';
export * from './kafka';
export * from './auth';
