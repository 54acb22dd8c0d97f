import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from './migrate.js';

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('loadMigrations', () => {
  it('reads NNNN_name.sql files in version order and ignores other files', () => {
    const dir = migrationsDir({
      '0002_second.sql': 'CREATE TABLE {db}.b (x UInt8) ENGINE = Memory;',
      '0001_first.sql': 'CREATE TABLE {db}.a (x UInt8) ENGINE = Memory;',
      'README.md': 'not a migration',
      '0003_draft.sql.bak': 'CREATE TABLE nope',
      '12_short.sql': 'CREATE TABLE nope',
    });
    expect(loadMigrations('pulse', dir).map((m) => [m.version, m.name])).toEqual([
      [1, '0001_first'],
      [2, '0002_second'],
    ]);
  });

  it('splits a file into statements at semicolons that end a line, without comments', () => {
    const dir = migrationsDir({
      '0001_two.sql': [
        '-- Two tables; the comment has a semicolon at the end of a line;',
        'CREATE TABLE {db}.a',
        '(',
        "    s String DEFAULT 'a;b' -- inline comments stay",
        ') ENGINE = Memory;',
        '',
        '  -- indented comment;',
        'CREATE VIEW {db}.v AS SELECT s FROM {db}.a',
        '',
      ].join('\n'),
    });
    const [migration] = loadMigrations('analytics', dir);
    expect(migration?.statements).toEqual([
      "CREATE TABLE analytics.a\n(\n    s String DEFAULT 'a;b' -- inline comments stay\n) ENGINE = Memory",
      'CREATE VIEW analytics.v AS SELECT s FROM analytics.a',
    ]);
  });

  it('binds {db} in every statement of the real migrations', () => {
    const migrations = loadMigrations('t_unit');
    expect(migrations.map((m) => m.name)).toEqual(
      expect.arrayContaining(['0001_events', '0002_order_items']),
    );
    const statements = migrations.flatMap((m) => m.statements);
    expect(migrations.find((m) => m.name === '0002_order_items')?.statements).toHaveLength(2);
    for (const statement of statements) {
      expect(statement).not.toContain('{db}');
      expect(statement).toMatch(/^CREATE (TABLE|MATERIALIZED VIEW|VIEW) IF NOT EXISTS t_unit\.\w+/);
      expect(statement.endsWith(';')).toBe(false);
    }
  });
});
