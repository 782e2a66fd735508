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
export {
  connectionOf,
  outputNames,
  WAREHOUSE_PORT,
  WarehouseStack,
  type Acknowledgement,
  type WarehouseConnection,
} from './warehouse-stack.js';
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
export {
  changeSetName,
  createChangeSetRequest,
  deleteStackRequest,
  executeChangeSetRequest,
  TEMPLATE_BODY_LIMIT,
} from './cloudformation-requests.js';
export {
  deniedAction,
  deployStack,
  destroyStack,
  diffStack,
  findStack,
  listStackResources,
  outputsOf,
  waitForStack,
  type CloudFormationSession,
  type DeployResult,
  type DestroyResult,
  type Pacing,
  type PlannedChange,
  type StackProgress,
  type StackResourceState,
} from './stack-session.js';
