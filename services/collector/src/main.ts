import { closeOnSignals, createLogger } from '@pulse/common';
import { collectorConfigFromEnv, start } from './index.js';

const config = collectorConfigFromEnv(process.env);
const logger = createLogger({
  service: 'collector',
  level: config.logLevel,
  ...(config.personalTraits ? { personalTraits: config.personalTraits } : {}),
});
// Handlers first: a signal that comes while the service starts still shuts it down gracefully.
closeOnSignals(start(config, { logger }), logger);
