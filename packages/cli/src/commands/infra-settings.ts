import { datasetLocations } from '@sparkify/loader';
import type { CopyLocations, WarehouseSettings } from '@sparkify/infra';
import type { SparkifyConfig } from '../config/config-schema.js';
import type { GlobalOptions } from '../context.js';

/** The options of `sparkify infra plan|up` (status and down use only environment). */
export interface InfraCommandOptions extends GlobalOptions {
  environment?: string;
  shape?: string;
  database?: string;
  adminUser?: string;
  baseCapacity?: string;
  nodeType?: string;
  nodes?: string;
  vpcId?: string;
  subnetIds?: string;
  allowCidr?: string[];
  allowSecurityGroup?: string[];
  publiclyAccessible?: boolean;
  source?: string;
  songData?: string;
  logData?: string;
  manifestPrefix?: string;
  sourceKmsKey?: string;
  template?: boolean;
  diff?: boolean;
  json?: boolean;
  yes?: boolean;
}

const isS3 = (location: string | undefined): location is string => /^s3:\/\//i.test(location ?? '');

/**
 * The S3 locations COPY will read, from the same settings the loader uses (flags, SPARKIFY_* variables, the
 * config file, dwh.cfg [S3]); local folders are left out with a note, since COPY only reads S3.
 */
export function copyLocationsFrom(
  options: InfraCommandOptions,
  config: SparkifyConfig,
): { locations: CopyLocations; notes: string[] } {
  const spec = {
    source: options.source ?? config.s3.source,
    songData: options.songData ?? config.s3.songData,
    logData: options.logData ?? config.s3.logData,
  };
  const notes: string[] = [];
  const locations: CopyLocations = {};
  if (spec.source || (spec.songData && spec.logData)) {
    const datasets = datasetLocations(spec);
    if (isS3(datasets.songs)) locations.songData = datasets.songs;
    if (isS3(datasets.events)) locations.logData = datasets.events;
    if (!isS3(datasets.songs) || !isS3(datasets.events))
      notes.push('the source is a local folder: COPY reads only S3, so the role gets no read access to it');
  } else {
    notes.push(
      'no source configured (--source, SPARKIFY_SOURCE, the config file or dwh.cfg [S3]): the COPY role can read ' +
        'no data yet; plan again with --source s3://bucket/prefix/',
    );
  }
  const manifestPrefix = options.manifestPrefix ?? config.s3.manifestPrefix;
  if (manifestPrefix) locations.manifestPrefix = manifestPrefix;
  else
    notes.push(
      'no manifest prefix (--manifest-prefix, SPARKIFY_MANIFEST_PREFIX): the redshift load needs one the role may read',
    );
  return { locations, notes };
}

function whole(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** The warehouse settings of a command line, before defaults and checks (`warehouseSettings` does both). */
export function warehouseInput(options: InfraCommandOptions): Partial<WarehouseSettings> {
  return {
    environment: options.environment,
    shape: options.shape as WarehouseSettings['shape'] | undefined,
    database: options.database,
    adminUser: options.adminUser,
    baseCapacity: whole(options.baseCapacity),
    nodeType: options.nodeType,
    nodes: whole(options.nodes),
    vpcId: options.vpcId,
    subnetIds: options.subnetIds
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    allowCidrs: options.allowCidr,
    allowSecurityGroups: options.allowSecurityGroup,
    publiclyAccessible: options.publiclyAccessible,
    sourceKmsKeyArn: options.sourceKmsKey,
  };
}
