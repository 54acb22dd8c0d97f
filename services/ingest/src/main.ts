import { closeOnSignals, createLogger } from '@pulse/common';
import { ingestConfigFromEnv, start } from './index.js';

const config = ingestConfigFromEnv(process.env);
const logger = createLogger({
  service: 'ingest',
  level: config.logLevel,
  ...(config.personalTraits ? { personalTraits: config.personalTraits } : {}),
});
// Handlers first: a signal that comes while the service starts still shuts it down gracefully.
closeOnSignals(start(config, { logger }), logger);
