import { closeOnSignals, createLogger } from '@pulse/common';
import { ingestConfigFromEnv, start } from './index.js';

const config = ingestConfigFromEnv(process.env);
const logger = createLogger({
  service: 'ingest',
  level: config.logLevel,
  ...(config.personalTraits ? { personalTraits: config.personalTraits } : {}),
});
const ingest = await start(config, { logger });
closeOnSignals(ingest, logger);
