import { join } from 'node:path';
import { analyticsModule } from '../analytics-module.js';
import type { WarehouseScope } from '../run-command.js';
import { writeReport } from './report.js';

/** The end of `sparkify demo`: the HTML report's path and two answers (the peak hour, the most played song). */
export async function demoEnding({ config, context, warehouse, out, err }: WarehouseScope): Promise<void> {
  err('writing the report …');
  const { file, charts } = await writeReport(context, warehouse, { out: join(config.home, 'report.html') });
  const { describeMatchRate, loadQuestions, runQuestions } = await analyticsModule();
  const result = await runQuestions(warehouse.knex, await loadQuestions(), {
    names: ['peak-hour', 'most-played-songs'],
    limit: 1,
  });
  const [peak, songs] = result.answers;
  const hour = peak?.rows[0];
  const song = songs?.rows[0];
  // A title is data: control characters (terminal escapes) must not reach the terminal.
  // eslint-disable-next-line no-control-regex
  const plain = (value: unknown) => String(value).replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
  out(`report: ${file} (${charts} charts; open it in a browser, no network needed)`);
  if (hour) out(`peak hour (UTC): ${String(hour['hour'])}:00 with ${String(hour['plays'])} plays`);
  if (song) {
    out(
      `most played song, as played: "${plain(song['title'])}" by ${plain(song['artist'])}, ${String(song['plays'])} plays` +
        (songs?.matchRate ? ` (catalogue match rate: ${describeMatchRate(songs.matchRate)})` : ''),
    );
  }
  out('more: pnpm analytics --list');
}
