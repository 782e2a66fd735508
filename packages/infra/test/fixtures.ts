import {
  copyReadsFor,
  warehouseSettings,
  type WarehouseSettings,
  type WarehouseShape,
} from '../src/index.js';

/** The classic Udacity layout: data in one bucket, manifests in the team's own. */
export const LOCATIONS = {
  songData: 's3://udacity-dend/song_data',
  logData: 's3://udacity-dend/log_data',
  manifestPrefix: 's3://sparkify-team/manifests/',
};

/** Settings of one shape reading LOCATIONS, with any override. */
export function settingsFor(
  shape: WarehouseShape,
  overrides: Partial<WarehouseSettings> = {},
): WarehouseSettings {
  return warehouseSettings({ shape, copyReads: copyReadsFor(LOCATIONS), ...overrides });
}
