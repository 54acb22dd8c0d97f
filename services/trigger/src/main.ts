import { closeOnSignals, createLogger } from '@pulse/common';
import { start, triggerConfigFromEnv } from './index.js';

const config = triggerConfigFromEnv(process.env);
const logger = createLogger({ service: 'trigger', level: config.logLevel });
// Handlers first: a signal that comes while the service starts still shuts it down gracefully.
closeOnSignals(start(config, { logger }), logger);
