// Public API of this area: re-exports only.
export * from './kafka-auth';
export * from './kafka-source';
export * from './kafka-consumer';
