import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { passwordOfUrl } from '../redaction/redact-text.js';
import { installRedaction } from '../redaction/redacting-stream.js';
import { secretsFromEnv } from '../redaction/secrets-from-env.js';
import { buildConfig, type ResolvedConfig } from './build-config.js';
import {
  type ConfigLayer,
  defaultLayer,
  envLayer,
  flagLayer,
  iniLayer,
  jsonLayer,
  mergeLayers,
} from './config-layers.js';
import type { SparkifyConfig } from './config-schema.js';
import { parseIni } from './parse-ini.js';

/** The config file read when no `--config` (or SPARKIFY_CONFIG) names one. */
export const DEFAULT_CONFIG_FILE = 'sparkify.config.json';

// A dwh.cfg often carries more credentials than the CLI uses ([AWS] KEY/SECRET); none of them may be printed.
const SECRET_INI_KEY = /PASSWORD|SECRET|TOKEN|KEY/;

function readConfigFile(path: string, label: string, context: CliContext): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CliError(
      `config file ${label}: cannot read it (${reason})`,
      ExitCode.cannotRun,
      'CONFIG_FILE',
      { cause: error },
    );
  }
  const looksJson = extname(path).toLowerCase() === '.json' || text.trimStart().startsWith('{');
  if (!looksJson) {
    const ini = parseIni(text);
    const secrets = [...ini.values()].flatMap((section) =>
      [...section].filter(([key]) => SECRET_INI_KEY.test(key)).map(([, value]) => value),
    );
    installRedaction(context, secrets);
    if (ini.size === 0) {
      throw new CliError(
        `config file ${label}: expected JSON or a dwh.cfg INI with [CLUSTER], [IAM_ROLE], [S3] sections, got neither`,
        ExitCode.cannotRun,
        'CONFIG_FILE',
      );
    }
    return iniLayer(ini, label);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `config file ${label}: not valid JSON (${(error as Error).message})`,
      ExitCode.cannotRun,
      'CONFIG_FILE',
      {
        cause: error,
      },
    );
  }
  const layer = jsonLayer(json, label);
  installRedaction(
    context,
    [layer.get('redshift.password')?.value, passwordOfUrl(String(layer.get('databaseUrl')?.value ?? ''))].map(
      (value) => (typeof value === 'string' ? value : undefined),
    ),
  );
  return layer;
}

/**
 * Resolves the configuration and where each value came from: flags > environment > config file (JSON or
 * dwh.cfg) > defaults. Registers every secret with the context's output redaction before anything can print it.
 */
export function resolveConfigWithSources(options: GlobalOptions, context: CliContext): ResolvedConfig {
  installRedaction(context, secretsFromEnv(context.env));
  const named = options.config ?? context.env.SPARKIFY_CONFIG?.trim();
  const layers: ConfigLayer[] = [defaultLayer(context.cwd)];
  if (named) layers.push(readConfigFile(resolve(context.cwd, named), named, context));
  else if (existsSync(resolve(context.cwd, DEFAULT_CONFIG_FILE))) {
    layers.push(readConfigFile(resolve(context.cwd, DEFAULT_CONFIG_FILE), DEFAULT_CONFIG_FILE, context));
  }
  layers.push(envLayer(context.env), flagLayer(options));
  const resolved = buildConfig(mergeLayers(layers), context.cwd);
  installRedaction(context, secretsOf(resolved.config));
  return resolved;
}

/**
 * Resolves the configuration: flags > environment > config file (JSON or dwh.cfg) > defaults, validated with
 * zod; a wrong value throws a CliError with one line per problem naming the key and what is expected.
 */
export function resolveConfig(options: GlobalOptions, context: CliContext): SparkifyConfig {
  return resolveConfigWithSources(options, context).config;
}

/** Every secret value in a configuration, for redaction of anything printed. */
export function secretsOf(config: SparkifyConfig): string[] {
  const secrets = [config.redshift?.password, passwordOfUrl(config.databaseUrl), config.notifyUrl];
  return secrets.filter((secret): secret is string => Boolean(secret));
}
