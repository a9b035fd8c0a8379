// Public API of this area: re-exports only.
export * from './http-api-function';
