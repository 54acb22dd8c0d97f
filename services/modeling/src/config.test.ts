import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@pulse/common';
import { describe, expect, it } from 'vitest';
import { modelingConfigFromEnv } from './config.js';
import { EXAMPLE_SEGMENT_RULES } from './segments/rules/example-rules.js';

const dir = mkdtempSync(join(tmpdir(), 'pulse-modeling-config-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('modelingConfigFromEnv', () => {
  it('defaults to the hybrid model, the example rules, no prediction model', () => {
    const c = modelingConfigFromEnv({});
    expect(c.recs.model).toBe('hybrid');
    expect(c.segments.rules).toBe(EXAMPLE_SEGMENT_RULES);
    expect(c.segments.predictionModel).toBeNull();
    expect(c.api).toMatchObject({ port: 8085, defaultK: 10, maxK: 100 });
    expect(c.dedupWindow).toBe(100_000);
    expect(c.heapGrowingPercent).toBe(20);
  });

  it("caps V8's heap growth at 20 % unless told otherwise; 0 keeps V8's own factor", () => {
    expect(modelingConfigFromEnv({ MODELING_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(modelingConfigFromEnv({ MODELING_HEAP_GROWING_PERCENT: '50' }).heapGrowingPercent).toBe(50);
    expect(() => modelingConfigFromEnv({ MODELING_HEAP_GROWING_PERCENT: '-1' })).toThrow(
      /MODELING_HEAP_GROWING_PERCENT/,
    );
  });

  it('checks the personalization consent unless the category is empty; deletion requests in their own group', () => {
    expect(modelingConfigFromEnv({}).consentCategory).toBe('personalization');
    expect(modelingConfigFromEnv({ MODELING_CONSENT_CATEGORY: ' Recommendations ' }).consentCategory).toBe(
      'Recommendations',
    );
    expect(modelingConfigFromEnv({ MODELING_CONSENT_CATEGORY: '' }).consentCategory).toBeUndefined();
    expect(modelingConfigFromEnv({ MODELING_GROUP_ID: 'm1' }).regulations).toEqual({
      groupId: 'm1-regulations',
      maxSubjects: 1_000_000,
    });
  });

  it('refuses models without item neighbours and short API keys, naming the variable', () => {
    expect(() => modelingConfigFromEnv({ MODELING_RECS_MODEL: 'svd' })).toThrow(/MODELING_RECS_MODEL/);
    expect(() => modelingConfigFromEnv({ MODELING_API_KEY: 'short' })).toThrow(/MODELING_API_KEY/);
  });

  it('reads rules and a prediction model from files, and says what is wrong with a bad one', () => {
    const rules = file(
      'rules.json',
      JSON.stringify([{ id: 'x', name: 'X', rule: { performed: 'Order Completed', gte: 1 } }]),
    );
    expect(modelingConfigFromEnv({ MODELING_SEGMENT_RULES_FILE: rules }).segments.rules).toHaveLength(1);
    const badRules = file(
      'bad-rules.json',
      JSON.stringify([{ id: 'x', rule: { performed: 'Order Completed', within: 'soon' } }]),
    );
    expect(() => modelingConfigFromEnv({ MODELING_SEGMENT_RULES_FILE: badRules })).toThrow(/within/);
    expect(() => modelingConfigFromEnv({ MODELING_SEGMENT_RULES_FILE: join(dir, 'missing.json') })).toThrow(
      ConfigError,
    );
    const notModel = file('model.json', '{"v":2}');
    expect(() => modelingConfigFromEnv({ MODELING_PREDICTION_MODEL_FILE: notModel })).toThrow(/--save-model/);
    const notJson = file('model2.json', '{');
    expect(() => modelingConfigFromEnv({ MODELING_PREDICTION_MODEL_FILE: notJson })).toThrow(/must be JSON/);
  });
});
