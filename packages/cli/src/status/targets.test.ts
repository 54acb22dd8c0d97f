import { ConfigError } from '@pulse/common';
import { describe, expect, it } from 'vitest';
import { statusTargets } from './targets.js';

describe('statusTargets', () => {
  it('defaults to the local collector, ingest, modeling and trigger', () => {
    expect(statusTargets({}, {})).toEqual([
      { name: 'collector', url: 'http://127.0.0.1:8080' },
      { name: 'ingest', url: 'http://127.0.0.1:9102' },
      { name: 'modeling', url: 'http://127.0.0.1:9103' },
      { name: 'trigger', url: 'http://127.0.0.1:9104' },
    ]);
  });

  it('reads the trigger from --trigger, then PULSE_TRIGGER_URL', () => {
    expect(statusTargets({}, { PULSE_TRIGGER_URL: 'http://trigger:9104/' })[3]).toEqual({
      name: 'trigger',
      url: 'http://trigger:9104',
    });
    expect(
      statusTargets({ trigger: 'http://10.0.0.5:9999' }, { PULSE_TRIGGER_URL: 'http://ignored:1' })[3],
    ).toEqual({ name: 'trigger', url: 'http://10.0.0.5:9999' });
    expect(() => statusTargets({ trigger: 'nope' }, {})).toThrow(/trigger: "nope" is not a URL/);
  });

  it('takes options over the environment, and adds named services', () => {
    const targets = statusTargets(
      { ingest: 'http://ingest:9102/', service: ['trigger=http://trigger:9104'] },
      {
        PULSE_COLLECTOR_URL: 'http://lb.internal:8080',
        PULSE_INGEST_URL: 'http://ignored:1',
        PULSE_STATUS_SERVICES: 'modeling=http://modeling:9103,audit=http://audit:9200',
      },
    );
    expect(targets).toEqual([
      { name: 'collector', url: 'http://lb.internal:8080' },
      { name: 'ingest', url: 'http://ingest:9102' },
      // --service and PULSE_STATUS_SERVICES replace a named default in place.
      { name: 'modeling', url: 'http://modeling:9103' },
      { name: 'trigger', url: 'http://trigger:9104' },
      { name: 'audit', url: 'http://audit:9200' },
    ]);
  });

  it('refuses what is not a service URL, naming it', () => {
    expect(() => statusTargets({ collector: 'localhost 8080' }, {})).toThrow(ConfigError);
    expect(() => statusTargets({ collector: 'localhost 8080' }, {})).toThrow(
      /collector: "localhost 8080" is not a URL/,
    );
    expect(() => statusTargets({ service: ['modeling'] }, {})).toThrow(/must be written as name=url/);
    expect(() => statusTargets({ ingest: 'ftp://x' }, {})).toThrow(/http or https/);
  });
});
