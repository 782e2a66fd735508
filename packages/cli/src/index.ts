export { buildProgram } from './program.js';
export { runCli } from './run-cli.js';
export type { CliContext, GlobalOptions } from './context.js';
export { CliError, ExitCode } from './errors.js';
export { configSchema, type SparkifyConfig } from './config/config-schema.js';
export { resolveConfig, secretsOf } from './config/resolve-config.js';
export { openWarehouse, type Warehouse } from './warehouse.js';
export { runWithConfig, runWithWarehouse, type CommandScope, type WarehouseScope } from './run-command.js';
