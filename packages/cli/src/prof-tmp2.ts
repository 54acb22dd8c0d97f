import { benchE2E } from './bench/e2e-throughput.js';
console.log(await benchE2E(process.env, { events: 200000, batchSize: 100, concurrency: 16 }));
process.exit(0);
