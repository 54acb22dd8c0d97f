import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CampaignInvalidError } from './errors.js';
import { type Campaign, parseCampaign } from './schema.js';

/**
 * Reads every `*.json` file of a folder as one campaign (or an array of
 * them). Any invalid file fails the whole load, so a typo never silently
 * switches a campaign off.
 */
export async function loadCampaignDir(dir: string): Promise<Campaign[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new CampaignInvalidError(dir, [
      {
        field: '(folder)',
        reason: `cannot be read (${err instanceof Error ? err.message : String(err)}); set TRIGGER_CAMPAIGNS_DIR to a folder of campaign JSON files`,
      },
    ]);
  }
  const files = names.filter((f) => f.endsWith('.json')).sort();
  const campaigns: Campaign[] = [];
  for (const file of files) {
    const path = join(dir, file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new CampaignInvalidError(path, [
        { field: '(file)', reason: `must be JSON: ${err instanceof Error ? err.message : String(err)}` },
      ]);
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    list.forEach((item, i) => {
      campaigns.push(parseCampaign(item, Array.isArray(parsed) ? `${path}[${i}]` : path));
    });
  }
  const seen = new Set<string>();
  for (const c of campaigns) {
    if (seen.has(c.id))
      throw new CampaignInvalidError(dir, [{ field: 'id', reason: `${c.id} is defined twice` }]);
    seen.add(c.id);
  }
  return campaigns;
}
