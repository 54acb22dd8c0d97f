import { closeOnSignals, createLogger } from '@pulse/common';
import { collectorConfigFromEnv, start } from './index.js';

const config = collectorConfigFromEnv(process.env);
const logger = createLogger({
  service: 'collector',
  level: config.logLevel,
  ...(config.personalTraits ? { personalTraits: config.personalTraits } : {}),
});
const collector = await start(config, { logger });
closeOnSignals(collector, logger);
