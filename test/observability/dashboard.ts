import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DASHBOARD = join(REPO, 'infra', 'grafana', 'dashboards', 'pulse-overview.json');

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ refId: string; expr?: string; legendFormat?: string }>;
  panels?: DashboardPanel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
}

/** The shipped dashboard, with the panels of collapsed rows flattened in. */
export function readDashboard(): { dashboard: Dashboard; panels: DashboardPanel[] } {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return { dashboard, panels };
}

/** Panels that query something (rows and text panels do not). */
export function queryPanels(panels: DashboardPanel[]): DashboardPanel[] {
  return panels.filter((p) => p.type !== 'row' && p.type !== 'text');
}
