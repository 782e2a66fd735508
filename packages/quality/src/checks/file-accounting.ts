import { z } from 'zod';
import { commonFields, defineCheck } from './check-definition.js';
import { countWhere } from './predicate-shape.js';

const unaccounted = 'records_read <> records_staged + records_rejected';

/** `file_accounting`: every loaded file's records read = staged + rejected (etl_files). */
export const fileAccounting = defineCheck({
  schema: z.strictObject({ type: z.literal('file_accounting'), ...commonFields }),
  defaultName: () => 'ledger_file_accounting',
  shape: () => ({
    table: 'etl_files',
    description: 'every loaded file: records read = staged + rejected',
    sql: `SELECT run_id, object_key, records_read, records_staged, records_rejected FROM etl_files WHERE ${unaccounted}`,
    keyColumns: ['run_id', 'object_key'],
    countExpression: countWhere(unaccounted),
  }),
});
