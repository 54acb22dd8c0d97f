import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCampaignDir } from '@pulse/trigger';
import { describe, expect, it } from 'vitest';
import {
  CART_WAIT_SECONDS,
  campaignEnv,
  demoCampaigns,
  WIN_BACK_WALL_SECONDS,
  writeCampaignDir,
} from './demo-campaigns.js';

describe('demo campaigns', () => {
  const campaigns = demoCampaigns('http://127.0.0.1:4567/hooks');

  it('cover every trigger kind, each on its own webhook path of the receiver', () => {
    const kinds = new Set(campaigns.map((c) => c.trigger.kind));
    expect([...kinds].sort()).toEqual([
      'abandoned_cart',
      'event',
      'inactivity',
      'segment_entry',
      'segment_exit',
    ]);
    expect(campaigns.some((c) => c.trigger.kind === 'event' && c.trigger.nth === 3)).toBe(true);
    const champion = campaigns.find((c) => c.id === 'new-champion');
    expect(champion?.trigger).toEqual({ kind: 'segment_entry', segment: 'rfm:champions' });
    expect(JSON.stringify(champion?.variants)).toContain('{{recommendations}}');
    for (const c of campaigns) {
      expect(c.channel).toMatchObject({ type: 'webhook', url: `http://127.0.0.1:4567/hooks/${c.id}` });
    }
  });

  it('wait seconds of the wall clock, short enough for the demo', () => {
    const winBack = campaigns.find((c) => c.trigger.kind === 'inactivity')?.trigger;
    expect(winBack?.kind === 'inactivity' && winBack.days * 86_400).toBeCloseTo(WIN_BACK_WALL_SECONDS, 6);
    const cart = campaigns.find((c) => c.trigger.kind === 'abandoned_cart')?.trigger;
    expect(cart).toEqual({ kind: 'abandoned_cart', waitSeconds: CART_WAIT_SECONDS });
  });

  it('read back through the trigger service loader as they were written', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pulse-demo-campaigns-')), 'campaigns');
    writeCampaignDir(dir, campaigns);
    const loaded = await loadCampaignDir(dir);
    expect(loaded.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...campaigns].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('point the recommendations client at the modeling API port it fixes', async () => {
    const env = await campaignEnv({}, '/tmp/x');
    const port = Number(env['MODELING_API_PORT']);
    expect(port).toBeGreaterThan(0);
    expect(env['TRIGGER_RECS_URL']).toBe(`http://127.0.0.1:${port}`);
    expect(env['TRIGGER_CAMPAIGNS_DIR']).toBe('/tmp/x');
    expect((await campaignEnv({ MODELING_API_PORT: '9999' }, '/tmp/x'))['TRIGGER_RECS_URL']).toBe(
      'http://127.0.0.1:9999',
    );
  });
});
