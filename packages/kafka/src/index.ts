export * from './admin.js';
export * from './batching-producer.js';
export * from './client.js';
export * from './dead-letter.js';
export * from './errors.js';
export * from './lag-monitor.js';
export * from './lag-trend.js';
export * from './topics.js';
