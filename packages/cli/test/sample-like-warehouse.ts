// A hand-written later delivery shared by the runs and analytics tests.

/** A later delivery written by hand: three plays of one song at 05:xx UTC, and two bad lines. */
export const later = {
  key: 'log_data/2018/12/2018-12-01-events.json',
  plays: 3,
  badLines: [2, 4],
  title: 'Inline Song',
};
export function laterLog(): string {
  const play = (item: number) =>
    JSON.stringify({
      artist: 'Inline Artist',
      auth: 'Logged In',
      firstName: 'Ann',
      gender: 'F',
      itemInSession: item,
      lastName: 'Lee',
      length: 201.5,
      level: 'paid',
      location: 'Somewhere, CA',
      method: 'PUT',
      page: 'NextSong',
      registration: 1540919166796.0,
      sessionId: 990001,
      song: later.title,
      status: 200,
      ts: Date.UTC(2018, 11, 1, 5, item) + 796,
      userAgent: 'test',
      userId: '1',
    });
  return [play(0), '{"artist": "truncated', play(1), '[1, 2]', play(2)].join('\n');
}
