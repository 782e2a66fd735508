import type { GlobalOptions } from '../context.js';
import type { IniFile } from './parse-ini.js';
import { settingKey, settingKeys } from './setting-keys.js';

/** Where a value came from, for `sparkify config` and for error messages. */
export interface SettingSource {
  kind: 'flag' | 'env' | 'file' | 'default';
  /** The flag, variable, or file and key: "--target", "SPARKIFY_TARGET", "dwh.cfg [CLUSTER] HOST". */
  from: string;
}

export interface SettingValue extends SettingSource {
  value: unknown;
}

/** The values one source provides, by dotted key (`redshift.host`); unknown keys of a JSON file are kept. */
export type ConfigLayer = Map<string, SettingValue>;

function fromText(key: string, text: string): unknown {
  const trimmed = text.trim();
  if (settingKey(key)?.integer && /^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}

/** The values set by command-line flags. */
export function flagLayer(options: GlobalOptions): ConfigLayer {
  const layer: ConfigLayer = new Map();
  if (options.target) layer.set('target', { value: options.target, kind: 'flag', from: '--target' });
  if (options.insecureTls)
    layer.set('redshift.tls', { value: 'no-verify', kind: 'flag', from: '--insecure-tls' });
  if (options.tls) layer.set('redshift.tls', { value: options.tls, kind: 'flag', from: '--tls' });
  const flags = [
    ['redshift.auth', options.redshiftAuth, '--redshift-auth'],
    ['redshift.clusterId', options.clusterId, '--cluster-id'],
    ['redshift.workgroup', options.workgroup, '--workgroup'],
    ['redshift.secretArn', options.secretArn, '--secret-arn'],
    ['copyRegion', options.copyRegion, '--copy-region'],
    ['notifyUrl', options.notify, '--notify'],
  ] as const;
  for (const [key, value, from] of flags) if (value) layer.set(key, { value, kind: 'flag', from });
  return layer;
}

/** The values set in the environment; empty variables count as unset. */
export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const layer: ConfigLayer = new Map();
  for (const setting of settingKeys) {
    const name = setting.env.find((variable) => env[variable]?.trim());
    if (name) layer.set(setting.key, { value: fromText(setting.key, env[name]!), kind: 'env', from: name });
  }
  return layer;
}

/** The values of a classic dwh.cfg; such a file means the redshift target unless a flag or variable says otherwise. */
export function iniLayer(ini: IniFile, fileLabel: string): ConfigLayer {
  const layer: ConfigLayer = new Map([
    ['target', { value: 'redshift', kind: 'file', from: `${fileLabel} (a dwh.cfg means redshift)` }],
  ]);
  for (const setting of settingKeys) {
    if (!setting.ini) continue;
    const [section, key] = setting.ini;
    const text = ini.get(section)?.get(key);
    if (text === undefined || text.trim() === '') continue;
    layer.set(setting.key, {
      value: fromText(setting.key, text),
      kind: 'file',
      from: `${fileLabel} [${section}] ${key}`,
    });
  }
  return layer;
}

const NESTED = new Set(['redshift', 's3']);

/** The values of a JSON config file, flattened to dotted keys; keys the schema does not know are kept for zod to reject. */
export function jsonLayer(json: unknown, fileLabel: string): ConfigLayer {
  const layer: ConfigLayer = new Map();
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    layer.set('(file)', { value: json, kind: 'file', from: fileLabel });
    return layer;
  }
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (NESTED.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        layer.set(`${key}.${inner}`, {
          value: innerValue,
          kind: 'file',
          from: `${fileLabel} ${key}.${inner}`,
        });
      }
    } else {
      layer.set(key, { value, kind: 'file', from: `${fileLabel} ${key}` });
    }
  }
  return layer;
}

/** The built-in defaults that do not depend on other values. */
export function defaultLayer(cwd: string): ConfigLayer {
  return new Map<string, SettingValue>([
    ['target', { value: 'postgres', kind: 'default', from: 'default' }],
    ['home', { value: `${cwd.replace(/\/$/, '')}/.sparkify`, kind: 'default', from: 'default' }],
  ]);
}

/** Merges layers given lowest precedence first: a later layer's value replaces an earlier one's. */
export function mergeLayers(layers: readonly ConfigLayer[]): ConfigLayer {
  const merged: ConfigLayer = new Map();
  for (const layer of layers) for (const [key, value] of layer) merged.set(key, value);
  return merged;
}
