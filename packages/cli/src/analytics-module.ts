import type * as Analytics from '@sparkify/analytics';

let loaded: Promise<typeof Analytics> | undefined;

/**
 * @sparkify/analytics, loaded when a command first needs it: it stays outside the bundle (it reads its questions
 * and the report's ECharts from beside its own code), and loading it cost every start 0.02 s, `load` included.
 */
export function analyticsModule(): Promise<typeof Analytics> {
  loaded ??= import('@sparkify/analytics');
  return loaded;
}
