/** When the periodic review of the hazard log falls due (pure). */
import type { Config } from './schema.js';

export interface ReviewDue {
  due: boolean;
  /** ISO date the review falls (or fell) due; undefined when never reviewed. */
  dueOn?: string;
  lastReviewed?: string;
  cadenceMonths: number;
  /** Stable key for the marker: one issue per due date. */
  key: string;
}

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Whether the periodic review of the hazard log is due on `today` (ISO date). */
export function periodicReviewDue(config: Pick<Config, 'review'>, today: string): ReviewDue {
  const { cadenceMonths, lastReviewed } = config.review;
  if (!lastReviewed) return { due: true, cadenceMonths, key: 'never-reviewed' };
  const dueOn = addMonths(lastReviewed, cadenceMonths);
  return { due: today >= dueOn, dueOn, lastReviewed, cadenceMonths, key: dueOn };
}
