export { InfraError, type InfraErrorCode } from './errors.js';
export {
  copyReadsFor,
  copyRoleStatements,
  parseCopyRead,
  type CopyLocations,
  type CopyRead,
  type PolicyStatementJson,
} from './s3-grants.js';
export {
  isOpenCidr,
  PROJECT_TAG,
  stackNameOf,
  warehouseDefaults,
  warehouseSettings,
  warehouseShapes,
  type WarehouseSettings,
  type WarehouseShape,
} from './warehouse-settings.js';
export { outputNames, WAREHOUSE_PORT, WarehouseStack, type Acknowledgement } from './warehouse-stack.js';
export {
  buildWarehouseStack,
  synthesizeStack,
  synthesizeWarehouse,
  type CloudFormationTemplate,
  type NagFinding,
  type SynthesisOptions,
  type SynthesizedWarehouse,
} from './synthesize-warehouse.js';
export { estimateCost, formatCostEstimate, priceTable, type CostEstimate } from './price-table.js';
export { summarizeTemplate } from './summarize-template.js';
