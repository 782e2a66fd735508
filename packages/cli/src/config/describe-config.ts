import { REDACTED, redactUrlPasswords } from '../redaction/redact-text.js';
import type { ResolvedConfig } from './build-config.js';
import { settingKeys } from './setting-keys.js';

/** One row of `sparkify config`: a key, its printable value and where it came from. */
export interface ConfigRow {
  key: string;
  /** The value with secrets shown as `***`; undefined when not set. */
  value: string | number | undefined;
  source: 'flag' | 'env' | 'file' | 'default' | 'unset';
  from: string | undefined;
}

function valueAt(config: object, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], config);
}

/** The resolved configuration as rows, every secret replaced by `***` and every URL password hidden. */
export function describeConfig(resolved: ResolvedConfig): ConfigRow[] {
  return settingKeys.map((setting) => {
    const raw = valueAt(resolved.config, setting.key);
    const source = resolved.sources.get(setting.key);
    let value: string | number | undefined;
    if (raw === undefined) value = undefined;
    else if (setting.secret === 'secret') value = REDACTED;
    else if (setting.secret === 'url') value = redactUrlPasswords(String(raw));
    else value = typeof raw === 'number' ? raw : String(raw);
    // Values filled in by the schema (redshift.port 5439, redshift.tls verify) have no layer of their own.
    const kind = source?.kind ?? (raw === undefined ? 'unset' : 'default');
    return {
      key: setting.key,
      value,
      source: kind,
      from: source?.from ?? (raw === undefined ? undefined : 'default'),
    };
  });
}
