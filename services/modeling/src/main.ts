import { capHeapGrowth, closeOnSignals, createLogger } from '@pulse/common';
import { modelingConfigFromEnv, start } from './index.js';

const config = modelingConfigFromEnv(process.env);
// A V8 flag is process-wide: the entry point sets it, not start(), which may share a process.
capHeapGrowth(config.heapGrowingPercent);
const logger = createLogger({ service: 'modeling', level: config.logLevel });
// Handlers first: a signal that comes while the service starts still shuts it down gracefully.
closeOnSignals(start(config, { logger }), logger);
