import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { CliError, ExitCode } from '../errors.js';
import { redactUrlPasswords } from '../redaction/redact-text.js';
import type { ConfigLayer, SettingSource, SettingValue } from './config-layers.js';
import { configSchema, type SparkifyConfig } from './config-schema.js';
import { settingKey, settingKeys } from './setting-keys.js';
import { suggestKey } from './suggest-key.js';

/** A validated configuration and where each of its values came from. */
export interface ResolvedConfig {
  config: SparkifyConfig;
  sources: Map<string, SettingSource>;
}

const REDSHIFT_CONNECTION_KEYS = [
  'redshift.host',
  'redshift.database',
  'redshift.user',
  'redshift.password',
  'redshift.clusterId',
  'redshift.workgroup',
  'redshift.secretArn',
];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) {
    target[head!] = value;
    return;
  }
  const inner = (target[head!] ??= {}) as Record<string, unknown>;
  setPath(inner, rest.join('.'), value);
}

/**
 * A Redshift target given only a URL (DATABASE_URL=redshift://…) takes its connection from it, so that TLS and
 * the port default apply the same way as for REDSHIFT_* settings.
 */
function redshiftFromUrl(merged: ConfigLayer): void {
  const url = merged.get('databaseUrl');
  if (merged.get('target')?.value !== 'redshift' || typeof url?.value !== 'string') return;
  if (REDSHIFT_CONNECTION_KEYS.some((key) => merged.has(key))) return;
  let parsed: URL;
  try {
    parsed = new URL(url.value);
  } catch {
    return;
  }
  const derived = (value: unknown): SettingValue => ({ value, kind: url.kind, from: url.from });
  merged.set('redshift.host', derived(parsed.hostname));
  if (parsed.port) merged.set('redshift.port', derived(Number(parsed.port)));
  merged.set('redshift.database', derived(decodeURIComponent(parsed.pathname.replace(/^\//, ''))));
  merged.set('redshift.user', derived(decodeURIComponent(parsed.username)));
  merged.set('redshift.password', derived(decodeURIComponent(parsed.password)));
}

function describeValue(key: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  const secret = settingKey(key)?.secret;
  if (secret === 'secret') return '***';
  const text = JSON.stringify(value) ?? String(value);
  return secret === 'url' ? redactUrlPasswords(text) : text;
}

function expectation(issue: z.core.$ZodIssue): string {
  // zod's own messages ("Invalid input: expected string, received number") are rephrased; ours read as is.
  if (!/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message)) return issue.message;
  if (issue.code === 'invalid_type') return `a ${issue.expected}`;
  if (issue.code === 'too_small')
    return `at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}`;
  return issue.message.replace(/^Invalid input: expected /, '');
}

function didYouMean(key: string): string {
  const suggestion = suggestKey(
    key,
    settingKeys.map((setting) => setting.key),
  );
  return suggestion ? `did you mean ${suggestion}? ` : '';
}

/** One line per problem, each naming the key, where it was set and what is expected. */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[], merged: ConfigLayer): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const fullKey = path ? `${path}.${key}` : key;
        const source = merged.get(fullKey);
        lines.push(
          `${fullKey}${source ? ` (${source.from})` : ''}: not a setting; ${didYouMean(fullKey)}see \`sparkify config --help\` for the known keys`,
        );
      }
      continue;
    }
    const source = merged.get(path);
    const where =
      source && source.kind !== 'default'
        ? ` (${source.kind === 'env' ? `env ${source.from}` : source.from})`
        : '';
    lines.push(
      `${path || 'config file'}${where}: expected ${expectation(issue)}, got ${describeValue(path, source?.value)}`,
    );
  }
  return lines;
}

/** Validates merged layers into a configuration, or throws a CliError (exit 2) with one line per problem. */
export function buildConfig(merged: ConfigLayer, cwd: string): ResolvedConfig {
  const values = new Map(merged);
  redshiftFromUrl(values);
  const home = values.get('home');
  if (typeof home?.value === 'string' && !isAbsolute(home.value))
    values.set('home', { ...home, value: resolve(cwd, home.value) });
  const input: Record<string, unknown> = {};
  for (const [key, setting] of values) {
    // TLS alone does not make a Redshift connection; any other Redshift value does, and then all are required.
    if (
      key.startsWith('redshift.') &&
      ![...REDSHIFT_CONNECTION_KEYS, 'redshift.port'].some((connectionKey) => values.has(connectionKey))
    )
      continue;
    setPath(input, key, setting.value);
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = formatConfigIssues(parsed.error.issues, values);
    throw new CliError(lines.join('\n'), ExitCode.cannotRun, 'CONFIG_INVALID');
  }
  const sources = new Map<string, SettingSource>();
  for (const [key, setting] of values) sources.set(key, { kind: setting.kind, from: setting.from });
  return { config: parsed.data, sources };
}
