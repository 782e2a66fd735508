export { startTestPostgres, type TestPostgres } from './test-postgres.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { startTestS3, type TestS3 } from './test-s3.js';
export { freePort } from './free-port.js';
// Brings the ProvidedContext augmentation (inject('pgUrl')) to every importer of the test kit.
export type {} from './global-setup.js';
