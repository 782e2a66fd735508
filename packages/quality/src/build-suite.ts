import type { Check } from './check.js';
import { buildCheck } from './build-check.js';
import { defaultCheckSpecs } from './default-suite.js';
import { QualityError } from './errors.js';
import type { CheckConfig } from './parse-check-config.js';

/**
 * The checks to run: the default suite (unless the config turns it off), minus excluded names, with config
 * checks replacing same-named defaults and the rest appended. Names must be unique: results are stored by name.
 */
export function buildSuite(config?: CheckConfig): Check[] {
  const defaults = config?.defaults === false ? [] : defaultCheckSpecs().map(buildCheck);
  const custom = (config?.checks ?? []).map(buildCheck);
  const problems: string[] = [];

  const seen = new Set<string>();
  for (const check of custom) {
    if (seen.has(check.name)) problems.push(`two checks are named ${check.name}; give one a different name`);
    seen.add(check.name);
  }
  const defaultNames = new Set(defaults.map((check) => check.name));
  for (const name of config?.exclude ?? []) {
    if (!defaultNames.has(name)) problems.push(`exclude names ${name}, which is not a default check`);
  }
  if (problems.length > 0) throw new QualityError('CHECK_CONFIG_INVALID', problems.join('\n'));

  const excluded = new Set(config?.exclude ?? []);
  const replacements = new Map(custom.map((check) => [check.name, check]));
  const suite = defaults
    .filter((check) => !excluded.has(check.name))
    .map((check) => replacements.get(check.name) ?? check);
  return [...suite, ...custom.filter((check) => !defaultNames.has(check.name))];
}
