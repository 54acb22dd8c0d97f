import { ConfigError, type Env } from '@pulse/common';
import type { Target } from './scrape.js';

export const DEFAULT_TARGETS: readonly Target[] = [
  { name: 'collector', url: 'http://127.0.0.1:8080' },
  { name: 'ingest', url: 'http://127.0.0.1:9102' },
  { name: 'modeling', url: 'http://127.0.0.1:9103' },
  { name: 'trigger', url: 'http://127.0.0.1:9104' },
];

export interface TargetOptions {
  collector?: string;
  ingest?: string;
  trigger?: string;
  modeling?: string;
  /** More services as name=url (modeling, trigger...). */
  service?: string[];
}

/**
 * Which services `pulse status` reads: options first, then PULSE_COLLECTOR_URL,
 * PULSE_INGEST_URL, PULSE_MODELING_URL, PULSE_TRIGGER_URL and PULSE_STATUS_SERVICES
 * (name=url,name=url), then the local defaults. A malformed URL is a
 * ConfigError naming it.
 */
export function statusTargets(options: TargetOptions, env: Env): Target[] {
  const named = {
    collector: options.collector,
    ingest: options.ingest,
    modeling: options.modeling,
    trigger: options.trigger,
  };
  const extra = [
    ...(env['PULSE_STATUS_SERVICES'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(options.service ?? []),
  ];
  const targets: Target[] = DEFAULT_TARGETS.map(({ name, url }) => {
    const chosen = named[name as keyof typeof named] ?? env[`PULSE_${name.toUpperCase()}_URL`] ?? url;
    return { name, url: checkedUrl(name, chosen) };
  });
  for (const entry of extra) {
    const eq = entry.indexOf('=');
    if (eq <= 0)
      throw new ConfigError(
        `service "${entry}" must be written as name=url, e.g. modeling=http://127.0.0.1:9103`,
      );
    const name = entry.slice(0, eq);
    const url = checkedUrl(name, entry.slice(eq + 1));
    const existing = targets.findIndex((t) => t.name === name);
    if (existing >= 0) targets[existing] = { name, url };
    else targets.push({ name, url });
  }
  return targets;
}

function checkedUrl(name: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `${name}: "${url}" is not a URL; give the service's base URL, e.g. http://127.0.0.1:8080`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name}: "${url}" must be an http or https URL`);
  }
  return url.replace(/\/+$/, '');
}
