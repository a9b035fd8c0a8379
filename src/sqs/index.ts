// Public API of this area: re-exports only.
export * from './sqs-consumer';
