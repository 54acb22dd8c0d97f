export * from './client.js';
export * from './engine-metrics.js';
export * from './jemalloc-summary.js';
export * from './migrate.js';
export * from './regulation-audit.js';
