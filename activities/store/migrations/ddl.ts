/** The few DDL differences between the engines, in one place. */
import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import { engineOf } from '../db';

type Table = CreateTableBuilder<string, never>;

/** Auto-incrementing integer primary key (never reused on SQLite, an identity on PostgreSQL). */
export function withIdColumn(db: Kysely<unknown>, table: Table): Table {
  return engineOf(db) === 'postgres'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/**
 * Text compared byte-wise on both engines (PostgreSQL's default collation would order
 * source IDs differently from SQLite and break keyset paging parity).
 */
export function keyText(db: Kysely<unknown>) {
  return (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    engineOf(db) === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
}
