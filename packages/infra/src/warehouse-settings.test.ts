import { describe, expect, it } from 'vitest';
import { warehouseSettings } from './warehouse-settings.js';

describe('warehouseSettings', () => {
  it('defaults to a small Serverless workgroup that nobody can reach', () => {
    expect(warehouseSettings({})).toMatchObject({
      environment: 'dev',
      shape: 'serverless',
      baseCapacity: 8,
      publiclyAccessible: false,
      allowCidrs: [],
      allowSecurityGroups: [],
    });
  });

  it('lists every wrong value by its option name', () => {
    let message = '';
    try {
      warehouseSettings({
        environment: 'Prod',
        baseCapacity: 12,
        allowCidrs: ['10.0.0.0/33'],
        vpcId: 'vpc-0abc12345',
        subnetIds: ['subnet-0abc12345'],
        adminUser: 'awsuser',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      '--environment: expected 1-21 lower-case letters, digits or hyphens starting with a letter, got "Prod"',
      '--admin-user: expected a lower-case name other than admin and awsuser, got "awsuser"',
      '--base-capacity: expected RPUs from 8 to 512 in steps of 8, got 12',
      '--subnet-ids: expected at least 3 ids like subnet-0abc1234 (Serverless needs three Availability Zones), got "subnet-0abc12345"',
      '--allow-cidr: expected a CIDR like 203.0.113.7/32, got "10.0.0.0/33"',
    ]);
  });
});
