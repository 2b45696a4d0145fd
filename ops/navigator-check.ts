/**
 * The Navigator half of `test-connection`: a token, one listing call (limit 1) per configured
 * class, and the Status dictionary of Computers holding the values the sync relies on (the
 * retired status, and the status Templates give new records). Each problem is one sentence
 * naming the setting to fix, with its failure type (the exit code's).
 */
import type { NavigatorClient } from '../activities/navigator/client-types';
import { TEMPLATE_DEFAULT_STATUS } from '../activities/navigator/schema';
import { FailureType } from '../common/failure-types';
import type { NavigatorConfig } from './config-schema';
import { exitFor } from './exit-codes';

export interface NavigatorProblem {
  type: FailureType;
  message: string;
}

export interface NavigatorCheck {
  navigator: string;
  apiUrl: string;
  /** Class setting → URL class name, for the classes that answered. */
  classes: Record<string, string>;
  /** The Status dictionary of Computers, when it could be read. */
  statuses?: string[] | undefined;
  problems: NavigatorProblem[];
}

const problem = (err: unknown): NavigatorProblem => {
  const f = exitFor(err);
  return { type: f.type, message: f.message };
};

/** Runs every check it can: a failed token stops there, anything else is listed and the rest goes on. */
export async function checkNavigator(
  nav: NavigatorConfig,
  client: () => NavigatorClient,
): Promise<NavigatorCheck> {
  const out: NavigatorCheck = { navigator: nav.id, apiUrl: nav.apiUrl, classes: {}, problems: [] };
  let c: NavigatorClient;
  try {
    c = client();
    await c.authenticate();
  } catch (err) {
    out.problems.push(problem(err));
    return out;
  }
  for (const [key, className] of Object.entries(nav.classes)) {
    if (className === undefined) continue;
    try {
      const setting = `navigators.${nav.id}.classes.${key}`;
      await c.listPage({ className, fields: ['ID'], offset: 0, limit: 1, setting });
      out.classes[key] = className;
    } catch (err) {
      out.problems.push(problem(err));
    }
  }
  try {
    const setting = `navigators.${nav.id}.statusField`;
    out.statuses = await c.dictionary(nav.classes.computer, nav.statusField, { setting });
  } catch (err) {
    out.problems.push(problem(err));
    return out;
  }
  out.problems.push(...missingStatuses(nav, out.statuses));
  return out;
}

function missingStatuses(nav: NavigatorConfig, statuses: string[]): NavigatorProblem[] {
  const has = (v: string) => statuses.some((s) => s.toLowerCase() === v.toLowerCase());
  const where = `the ${nav.statusField} values of ${nav.classes.computer} (${statuses.join(', ') || 'none'})`;
  const out: NavigatorProblem[] = [];
  if (!has(nav.retiredStatus))
    out.push({
      type: FailureType.BadConfig,
      message: `navigators.${nav.id}.retiredStatus "${nav.retiredStatus}" is not among ${where}: set it to the status the Retire action sets`,
    });
  if (!has(TEMPLATE_DEFAULT_STATUS))
    out.push({
      type: FailureType.BadConfig,
      message: `"${TEMPLATE_DEFAULT_STATUS}", the status the Template navigators.${nav.id}.templates.computer gives new records, is not among ${where}: add it in Navigator`,
    });
  return out;
}
