import { CfnOutput, Fn } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildWarehouseStack, synthesizeStack, synthesizeWarehouse } from '../src/index.js';
import { settingsFor } from './fixtures.js';

// CDK's own CloudFormation schema validation (property and attribute names, value types) is slow, so it has a
// file of its own that runs beside the template assertions.
describe('CloudFormation schema validation', () => {
  it.each(['serverless', 'provisioned'] as const)('accepts the %s template', (shape) => {
    const { template } = synthesizeWarehouse(settingsFor(shape), { validate: true });
    expect(Object.keys(template.Resources).length).toBeGreaterThan(10);
  });

  it('fails synthesis on what CloudFormation would reject, naming it', () => {
    const built = buildWarehouseStack(settingsFor('serverless'), { validate: true });
    // The attribute an early version of the stack asked for: CloudFormation does not return it.
    new CfnOutput(built.stack, 'Invalid', {
      value: Fn.getAtt('Namespace', 'Namespace.AdminPasswordSecretArn').toString(),
    });
    expect(() => synthesizeStack(built, { validate: true })).toThrow(
      /fails CloudFormation validation:[\s\S]*Namespace\.AdminPasswordSecretArn/,
    );
  });
});
