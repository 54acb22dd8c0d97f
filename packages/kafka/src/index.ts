export * from './admin.js';
export * from './batching-producer.js';
export * from './client.js';
export * from './dead-letter.js';
export * from './errors.js';
export * from './topics.js';
