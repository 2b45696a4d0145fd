/**
 * The zod schemas of a job's software-import and retire options: read by the configuration
 * schema (ops/config-schema.ts); their types reach common/domain.ts from here.
 */
import { z } from 'zod';
import { PLATFORMS } from './platforms';

export const importSoftwareSchema = z
  .union(
    [z.literal('all'), z.literal('none'), z.strictObject({ selected: z.array(z.enum(PLATFORMS)).min(1) })],
    {
      error: `must be "all", "none" or { selected: [${PLATFORMS.join(', ')}] }`,
    },
  )
  .transform((v) =>
    v === 'all'
      ? { mode: 'all' as const }
      : v === 'none'
        ? { mode: 'none' as const }
        : { mode: 'selected' as const, platforms: v.selected },
  );

export const onRetireSchema = z.enum(['keep', 'delete']);

/** What to import of discovered software. */
export type ImportSoftwareOption = z.output<typeof importSoftwareSchema>;
/** What happens in AlloyScan when a Navigator user retires a record. */
export type OnRetireOption = z.output<typeof onRetireSchema>;
