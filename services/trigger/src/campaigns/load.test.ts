import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CampaignInvalidError } from './errors.js';
import { loadCampaignDir } from './load.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'campaigns-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const campaign = (id: string) =>
  JSON.stringify({
    id,
    trigger: { kind: 'abandoned_cart', waitSeconds: 60 },
    channel: { type: 'log' },
    variants: [{ name: 'a', template: {} }],
  });

describe('loadCampaignDir', () => {
  it('loads the shipped examples', async () => {
    const examples = await loadCampaignDir(fileURLToPath(new URL('../../campaigns', import.meta.url)));
    expect(examples.map((c) => c.id).sort()).toEqual(['abandoned-cart', 'big-orders']);
  });

  it('reads single campaigns and arrays, ignoring other files', async () => {
    const dir = folder({
      'a.json': campaign('a'),
      'more.json': `[${campaign('b')},${campaign('c')}]`,
      'notes.txt': 'x',
    });
    expect((await loadCampaignDir(dir)).map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('fails the whole load on one bad file, naming the file and field', async () => {
    const dir = folder({ 'a.json': campaign('a'), 'b.json': '{"id":"b"}', 'c.json': '{not json' });
    await expect(loadCampaignDir(dir)).rejects.toThrow(/b\.json is invalid:\n {2}trigger: /);
    await expect(loadCampaignDir(folder({ 'x.json': '{oops' }))).rejects.toThrow(/\(file\): must be JSON/);
    await expect(
      loadCampaignDir(folder({ 'a.json': campaign('a'), 'b.json': campaign('a') })),
    ).rejects.toThrow(/a is defined twice/);
    await expect(loadCampaignDir('/nonexistent/campaigns')).rejects.toBeInstanceOf(CampaignInvalidError);
  });
});
