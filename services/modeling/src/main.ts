import { closeOnSignals, createLogger } from '@pulse/common';
import { modelingConfigFromEnv, start } from './index.js';

const config = modelingConfigFromEnv(process.env);
const logger = createLogger({ service: 'modeling', level: config.logLevel });
// Handlers first: a signal that comes while the service starts still shuts it down gracefully.
closeOnSignals(start(config, { logger }), logger);
