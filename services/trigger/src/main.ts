import { closeOnSignals, createLogger } from '@pulse/common';
import { start, triggerConfigFromEnv } from './index.js';

const config = triggerConfigFromEnv(process.env);
const logger = createLogger({ service: 'trigger', level: config.logLevel });
const trigger = await start(config, { logger });
closeOnSignals(trigger, logger);
