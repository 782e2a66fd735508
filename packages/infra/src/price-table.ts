import type { WarehouseSettings } from './warehouse-settings.js';

/**
 * On-demand list prices used for the estimate. Not fetched: a small table kept here, with the date it was read
 * and the region it is for. Other regions cost more or less; the Pricing page is the authority.
 */
export const priceTable = {
  asOf: '2024-11',
  region: 'us-east-1 (us-west-2 lists the same)',
  source: 'https://aws.amazon.com/redshift/pricing/',
  /** Redshift Serverless, per RPU-hour while a query runs (billed per second, 60 s minimum). */
  serverlessRpuHour: 0.375,
  /** Provisioned, per node-hour. */
  nodeHour: {
    'dc2.large': 0.25,
    'dc2.8xlarge': 4.8,
    'ra3.large': 0.543,
    'ra3.xlplus': 1.086,
    'ra3.4xlarge': 3.26,
    'ra3.16xlarge': 13.04,
  } as Record<string, number>,
  /** RA3 and Serverless managed storage, per GB-month. */
  managedStorageGbMonth: 0.024,
  /** The stack's customer-managed KMS key, per month. */
  kmsKeyMonth: 1,
  /** Hours in the month the estimate multiplies by. */
  hoursPerMonth: 730,
} as const;

/** What the warehouse costs while it runs, as an estimate from `priceTable`. */
export interface CostEstimate {
  /** USD per hour while running (Serverless: while queries run; it costs nothing idle), or undefined if unknown. */
  hourly: number | undefined;
  /** A month (730 h) at that rate. */
  monthly: number | undefined;
  /** Fixed monthly costs whatever the use (the KMS key). */
  fixedMonthly: number;
  /** How the figure is made, in words. */
  basis: string;
}

/** The estimated hourly and monthly cost of a warehouse shape, from the price table. */
export function estimateCost(
  settings: Pick<WarehouseSettings, 'shape' | 'baseCapacity' | 'nodeType' | 'nodes'>,
): CostEstimate {
  if (settings.shape === 'serverless') {
    const hourly = settings.baseCapacity * priceTable.serverlessRpuHour;
    return {
      hourly,
      monthly: hourly * priceTable.hoursPerMonth,
      fixedMonthly: priceTable.kmsKeyMonth,
      basis: `${settings.baseCapacity} RPU × $${priceTable.serverlessRpuHour}/RPU-hour while queries run; $0 while idle`,
    };
  }
  const nodeHour = priceTable.nodeHour[settings.nodeType];
  const hourly = nodeHour === undefined ? undefined : nodeHour * settings.nodes;
  return {
    hourly,
    monthly: hourly === undefined ? undefined : hourly * priceTable.hoursPerMonth,
    fixedMonthly: priceTable.kmsKeyMonth,
    basis:
      nodeHour === undefined
        ? `${settings.nodeType} is not in the price table`
        : `${settings.nodes} × ${settings.nodeType} at $${nodeHour}/node-hour, billed while the cluster exists (paused: storage only)`,
  };
}

function dollars(amount: number): string {
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The estimate as the lines `plan` and `status` print. */
export function formatCostEstimate(estimate: CostEstimate): string[] {
  const rate =
    estimate.hourly === undefined
      ? 'unknown'
      : `${dollars(estimate.hourly)}/hour, ${dollars(estimate.monthly!)} for a month at that rate`;
  return [
    `Estimated cost: ${rate}`,
    `  ${estimate.basis}`,
    `  plus ${dollars(estimate.fixedMonthly)}/month for the KMS key, storage at $${priceTable.managedStorageGbMonth}/GB-month and CloudWatch Logs by volume`,
    `  (an estimate from list prices of ${priceTable.asOf}, ${priceTable.region}; see ${priceTable.source})`,
  ];
}
