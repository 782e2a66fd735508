/** One configurable value: its dotted key in SparkifyConfig and where the environment and a dwh.cfg hold it. */
export interface SettingKey {
  key: string;
  /** Environment variables, first one set wins. */
  env: readonly string[];
  /** `[SECTION]` and KEY in a classic dwh.cfg. */
  ini?: readonly [section: string, key: string];
  /** Parsed as an integer when it comes from text (environment, INI). */
  integer?: boolean;
  /** Never printed: `secret` entirely, `url` with its password hidden. */
  secret?: 'secret' | 'url';
}

/** Every setting the CLI resolves, in the order `sparkify config` shows them. */
export const settingKeys: readonly SettingKey[] = [
  { key: 'target', env: ['SPARKIFY_TARGET'] },
  { key: 'databaseUrl', env: ['DATABASE_URL'], secret: 'url' },
  { key: 'redshift.host', env: ['REDSHIFT_HOST'], ini: ['CLUSTER', 'HOST'] },
  { key: 'redshift.port', env: ['REDSHIFT_PORT'], ini: ['CLUSTER', 'DB_PORT'], integer: true },
  { key: 'redshift.database', env: ['REDSHIFT_DATABASE'], ini: ['CLUSTER', 'DB_NAME'] },
  { key: 'redshift.user', env: ['REDSHIFT_USER'], ini: ['CLUSTER', 'DB_USER'] },
  { key: 'redshift.password', env: ['REDSHIFT_PASSWORD'], ini: ['CLUSTER', 'DB_PASSWORD'], secret: 'secret' },
  { key: 'redshift.tls', env: ['SPARKIFY_TLS'] },
  { key: 'redshift.auth', env: ['REDSHIFT_AUTH'] },
  { key: 'redshift.clusterId', env: ['REDSHIFT_CLUSTER_ID'], ini: ['DWH', 'DWH_CLUSTER_IDENTIFIER'] },
  { key: 'redshift.workgroup', env: ['REDSHIFT_WORKGROUP'], ini: ['CLUSTER', 'WORKGROUP'] },
  { key: 'redshift.secretArn', env: ['REDSHIFT_SECRET_ARN'], ini: ['CLUSTER', 'SECRET_ARN'] },
  { key: 'iamRoleArn', env: ['SPARKIFY_IAM_ROLE_ARN'], ini: ['IAM_ROLE', 'ARN'] },
  { key: 'region', env: ['AWS_REGION', 'AWS_DEFAULT_REGION'] },
  { key: 'copyRegion', env: ['SPARKIFY_COPY_REGION'], ini: ['S3', 'REGION'] },
  { key: 's3.source', env: ['SPARKIFY_SOURCE'] },
  { key: 's3.songData', env: ['SPARKIFY_SONG_DATA'], ini: ['S3', 'SONG_DATA'] },
  { key: 's3.logData', env: ['SPARKIFY_LOG_DATA'], ini: ['S3', 'LOG_DATA'] },
  { key: 's3.logJsonPath', env: ['SPARKIFY_LOG_JSONPATH'], ini: ['S3', 'LOG_JSONPATH'] },
  { key: 's3.manifestPrefix', env: ['SPARKIFY_MANIFEST_PREFIX'] },
  { key: 's3.endpoint', env: ['AWS_ENDPOINT_URL_S3'] },
  { key: 'notifyUrl', env: ['SPARKIFY_NOTIFY_URL'], ini: ['NOTIFY', 'URL'], secret: 'secret' },
  { key: 'home', env: ['SPARKIFY_HOME'] },
];

/** The setting for a dotted key, if it is one. */
export function settingKey(key: string): SettingKey | undefined {
  return settingKeys.find((setting) => setting.key === key);
}
