/**
 * A small validator for the cron strings a Temporal Schedule accepts: five fields (minute hour
 * day-of-month month day-of-week), each `*`, a number, a range `a-b`, any of those with a step
 * `/n` (every n from `*`, `a` or `a-b`), or a comma list of those; month and day-of-week also
 * by name (JAN, MON-FRI).
 * Also the shorthands `@hourly` … `@yearly` and `@every <duration>` (e.g. 30m, 2h, 1h30m).
 */
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC' },
  { name: 'day-of-week', min: 0, max: 7, names: 'SUN MON TUE WED THU FRI SAT' },
] as const;
type Field = (typeof FIELDS)[number];

const SHORTHANDS = ['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually'];
const EVERY = /^@every\s+(\d+(ms|s|m|h|d))+$/;

/** The value of one item (number or name), or undefined when it is neither. */
function valueOf(field: Field, item: string): number | undefined {
  if (/^\d+$/.test(item)) return Number(item);
  const names = 'names' in field ? field.names.split(' ') : [];
  const i = names.indexOf(item.toUpperCase());
  return i < 0 ? undefined : i + field.min;
}

function itemProblem(field: Field, item: string): string | undefined {
  const m = /^(\*|([^-/]+)(?:-([^-/]+))?)(?:\/(\d+))?$/.exec(item);
  if (!m) return `${field.name} field "${item}" is not a number, range, step or list`;
  if (m[4] !== undefined && Number(m[4]) === 0) return `${field.name} field "${item}" has a zero step`;
  for (const part of [m[2], m[3]]) {
    if (part === undefined) continue;
    const v = valueOf(field, part);
    if (v === undefined)
      return `${field.name} field "${part}" is not a number${'names' in field ? ' or name' : ''}`;
    if (v < field.min || v > field.max)
      return `${field.name} field "${part}" out of range ${field.min}-${field.max}`;
  }
  if (m[3] !== undefined && valueOf(field, m[2]!)! > valueOf(field, m[3])!)
    return `${field.name} field "${item}" is a backwards range`;
  return undefined;
}

/** The problems of a cron string, each naming its field (joined by '; '); undefined when it is valid. */
export function cronProblem(cron: string): string | undefined {
  const s = cron.trim();
  if (s.startsWith('@')) {
    if (SHORTHANDS.includes(s) || EVERY.test(s)) return undefined;
    return `"${s}" is not one of ${SHORTHANDS.join(', ')} or @every <duration> (e.g. @every 30m)`;
  }
  const parts = s.split(/\s+/);
  if (parts.length !== 5)
    return `must have 5 fields (minute hour day-of-month month day-of-week), not ${s ? parts.length : 0}`;
  // Every field's problems at once: `61 25 * * *` names the minute and the hour.
  const problems: string[] = [];
  for (const [i, field] of FIELDS.entries())
    for (const item of parts[i]!.split(',')) {
      const problem = itemProblem(field, item);
      if (problem) problems.push(problem);
    }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
