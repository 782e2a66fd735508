import { Prng } from './prng.js';

/** One log file: a UTC day and how many events it holds. */
export interface DayPlan {
  index: number;
  /** `yyyy-mm-dd` */
  date: string;
  key: string;
  /** Epoch ms of 00:00:00 UTC. */
  startMs: number;
  events: number;
}

const dayMs = 86_400_000;

/**
 * Spreads the events over consecutive UTC days with some day-to-day variation; the counts always add up to
 * exactly `events`, and every day gets a file (possibly empty).
 */
export function planDays(options: {
  seed: string | number;
  events: number;
  days: number;
  startDate: string;
  gzip: boolean;
}): DayPlan[] {
  const random = Prng.derive(options.seed, 'days');
  const weights = Array.from({ length: options.days }, () => 0.75 + 0.5 * random.float());
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const firstDayMs = Date.parse(`${options.startDate}T00:00:00Z`);
  const plans: DayPlan[] = [];
  let weightSoFar = 0;
  let eventsSoFar = 0;
  for (let index = 0; index < options.days; index += 1) {
    weightSoFar += weights[index] as number;
    const eventsThrough =
      index === options.days - 1 ? options.events : Math.round((options.events * weightSoFar) / totalWeight);
    const startMs = firstDayMs + index * dayMs;
    const date = new Date(startMs).toISOString().slice(0, 10);
    plans.push({
      index,
      date,
      key: `log_data/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}-events.json${options.gzip ? '.gz' : ''}`,
      startMs,
      events: eventsThrough - eventsSoFar,
    });
    eventsSoFar = eventsThrough;
  }
  return plans;
}
