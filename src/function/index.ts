// Public API of the function area: re-exports only.
export * from './bun-options';
export * from './bundling-options';
export * from './llrt-options';
export * from './runtime';
export * from './typescript-function';
