import { encodeJsonString } from './encode-json-string.js';
import { actorSegments, type ActorSegments } from './log-line.js';
import { Prng } from './prng.js';
import { vocabulary } from './vocabulary.js';

/** A user of the app: fixed attributes pre-encoded as log JSON text, plus the level that changes over time. */
export interface User {
  index: number;
  /** Digits, e.g. `39`. */
  id: string;
  level: 'free' | 'paid';
  /** The user's fields as they appear on a logged-in event; registration is epoch ms as a float (`….0`). */
  actor: ActorSegments;
}

const dayMs = 86_400_000;

/** The users of a dataset; everyone registered in the 150 days before the first log day. */
export function createUserRoster(
  seed: string | number,
  count: number,
  firstDayMs: number,
  msOffset: number,
): User[] {
  const random = Prng.derive(seed, 'users');
  const log = (text: string): string => encodeJsonString(text, { escapeSlashes: true });
  const users: User[] = [];
  for (let index = 0; index < count; index += 1) {
    const female = random.chance(0.5);
    const id = String(index + 1);
    const registeredSecond = Math.floor((firstDayMs - random.int(150 * dayMs)) / 1000);
    users.push({
      index,
      id,
      level: random.chance(0.25) ? 'paid' : 'free',
      actor: actorSegments({
        auth: '"Logged In"',
        firstName: log(random.pick(female ? vocabulary.femaleNames : vocabulary.maleNames)),
        gender: female ? '"F"' : '"M"',
        lastName: log(random.pick(vocabulary.lastNames)),
        location: log(random.pick(vocabulary.locations)),
        registration: `${registeredSecond * 1000 + msOffset}.0`,
        userAgent: log(random.pick(vocabulary.userAgents)),
        userId: `"${id}"`,
      }),
    });
  }
  return users;
}
