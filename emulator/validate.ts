/** Zod validation shared by the option parsers and the admin routes: one message format naming each field. */
import type { z } from 'zod';

/** "field.path: problem; other.field: problem" */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Parses `input` or throws `invalid ${what}: <issues>`. */
export function parseWith<T>(schema: z.ZodType<T>, what: string, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
