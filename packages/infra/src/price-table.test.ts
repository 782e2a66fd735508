import { describe, expect, it } from 'vitest';
import { estimateCost, formatCostEstimate } from './price-table.js';

describe('estimateCost', () => {
  it('prices Serverless per RPU-hour while queries run, and a month at that rate', () => {
    const estimate = estimateCost({ shape: 'serverless', baseCapacity: 8, nodeType: 'ra3.large', nodes: 1 });
    expect(formatCostEstimate(estimate).slice(0, 2)).toEqual([
      'Estimated cost: $3.00/hour, $2,190.00 for a month at that rate',
      '  8 RPU × $0.375/RPU-hour while queries run; $0 while idle',
    ]);
  });

  it('prices a provisioned cluster per node-hour', () => {
    const estimate = estimateCost({
      shape: 'provisioned',
      baseCapacity: 8,
      nodeType: 'ra3.xlplus',
      nodes: 2,
    });
    expect(estimate.hourly).toBeCloseTo(2.172, 6);
    expect(formatCostEstimate(estimate)[0]).toBe(
      'Estimated cost: $2.17/hour, $1,585.56 for a month at that rate',
    );
  });

  it('says so when a node type is not in the table instead of guessing', () => {
    const estimate = estimateCost({ shape: 'provisioned', baseCapacity: 8, nodeType: 'ra3.huge', nodes: 2 });
    expect(formatCostEstimate(estimate).slice(0, 2)).toEqual([
      'Estimated cost: unknown',
      '  ra3.huge is not in the price table',
    ]);
  });
});
