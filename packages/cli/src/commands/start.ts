import { closeOnSignals, createLogger } from '@pulse/common';
import type { Command } from 'commander';
import { SERVICES, type ServiceName, startPipeline } from '../pipeline.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(`start services in this process: ${SERVICES.join(', ')} or all (configured by environment)`)
    .argument('[services...]', 'services to start', ['all'])
    .action(async (names: string[]) => {
      const services = names.includes('all') ? SERVICES : names;
      const unknown = services.filter((s) => !(SERVICES as readonly string[]).includes(s));
      if (unknown.length > 0)
        throw new Error(`unknown service(s) ${unknown.join(', ')}; choose from ${SERVICES.join(', ')}, all`);
      const logger = createLogger({
        service: 'pulse',
        level: (process.env['LOG_LEVEL'] as 'info') ?? 'info',
      });
      const starting = startPipeline({ env: process.env, services: services as ServiceName[], logger });
      // Handlers first: a signal that comes while the services start still shuts them down gracefully.
      closeOnSignals(starting, logger);
      const pipeline = await starting;
      logger.info({ services, collector: pipeline.collector?.url }, 'pulse running');
    });
}
