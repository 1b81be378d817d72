export { committing, Database, indexesByTenant, lastStatement, pipelined, setTenantSql, sqlSetTenant, type DatabaseOptions, type SqlTx, type Tx } from './client.js';
export { SecretBox, DecryptError, keyId } from './crypto.js';
export { migrate, MIGRATIONS_DIR } from './migrate.js';
export { isDatabaseUnavailable } from './unavailable.js';
export { Prisma } from './generated/prisma/client.js';
export { toEventRecord, eventRecordJson, RECORD_JSON_TYPES, AUDIT_EVENT_COLUMNS, type AuditEventRow, type AuditEventTextRow } from './records.js';
export { GroupCommit, ItemFailure, type GroupCommitOptions } from './group-commit.js';
