/** What tests and benchmarks share: test data, database helpers and typed function calls. */
export * from './data';
export * from './db';
export * from './calls';
