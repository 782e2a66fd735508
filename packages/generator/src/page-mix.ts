import { pageSegments, type PageSegments } from './log-line.js';
import type { Prng } from './prng.js';

/** A page of the app with the HTTP method and status the simulator records for it. */
export interface Page extends PageSegments {
  name: string;
}

function page(name: string, method: 'GET' | 'PUT', status: 200 | 307 | 404): Page {
  return { name, ...pageSegments({ method: `"${method}"`, page: `"${name}"`, status: String(status) }) };
}

/** Every page the generator writes. */
export const pages = {
  nextSong: page('NextSong', 'PUT', 200),
  home: page('Home', 'GET', 200),
  login: page('Login', 'PUT', 307),
  logout: page('Logout', 'PUT', 307),
  settings: page('Settings', 'GET', 200),
  saveSettings: page('Save Settings', 'PUT', 307),
  upgrade: page('Upgrade', 'GET', 200),
  submitUpgrade: page('Submit Upgrade', 'PUT', 307),
  downgrade: page('Downgrade', 'GET', 200),
  submitDowngrade: page('Submit Downgrade', 'PUT', 307),
  help: page('Help', 'GET', 200),
  about: page('About', 'GET', 200),
  error: page('Error', 'GET', 404),
  thumbsUp: page('Thumbs Up', 'PUT', 307),
  thumbsDown: page('Thumbs Down', 'PUT', 307),
  addToPlaylist: page('Add to Playlist', 'PUT', 200),
  addFriend: page('Add Friend', 'PUT', 307),
  rollAdvert: page('Roll Advert', 'GET', 200),
} as const;

type Weighted = ReadonlyArray<readonly [Page, number]>;

// Shares follow the public Sparkify logs: about four in five events are song plays.
const common: Weighted = [
  [pages.home, 0.045],
  [pages.thumbsUp, 0.04],
  [pages.addToPlaylist, 0.02],
  [pages.addFriend, 0.012],
  [pages.thumbsDown, 0.01],
  [pages.logout, 0.01],
  [pages.settings, 0.006],
  [pages.saveSettings, 0.002],
  [pages.help, 0.005],
  [pages.about, 0.003],
  [pages.error, 0.001],
];
const freeMix = cumulative([...common, [pages.rollAdvert, 0.02], [pages.upgrade, 0.015]]);
const paidMix = cumulative([...common, [pages.downgrade, 0.01]]);
const loggedOutMix = cumulative([
  [pages.home, 0.6],
  [pages.about, 0.12],
  [pages.help, 0.12],
  [pages.login, 0.12],
  [pages.error, 0.04],
]);

/** The page of a logged-in event in the middle of a session; NextSong takes whatever share the others leave. */
export function pickLoggedInPage(random: Prng, level: 'free' | 'paid'): Page {
  return pickFrom(level === 'free' ? freeMix : paidMix, random.float(), pages.nextSong);
}

/** The page of an event in a session nobody has logged into. */
export function pickLoggedOutPage(random: Prng): Page {
  return pickFrom(loggedOutMix, random.float(), pages.home);
}

interface CumulativeMix {
  pages: Page[];
  bounds: number[];
}

function cumulative(weighted: Weighted): CumulativeMix {
  let total = 0;
  const bounds: number[] = [];
  for (const [, weight] of weighted) {
    total += weight;
    bounds.push(total);
  }
  return { pages: weighted.map(([entry]) => entry), bounds };
}

function pickFrom(mix: CumulativeMix, roll: number, rest: Page): Page {
  for (let position = 0; position < mix.bounds.length; position += 1) {
    if (roll < (mix.bounds[position] as number)) return mix.pages[position] as Page;
  }
  return rest;
}
