import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  currentProcessIdentity,
  holderLiveness,
  isProcessAlive,
  processStartTicks,
} from './process-identity.js';

function startSleeper() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  return child;
}

describe('holderLiveness', () => {
  it('sees a live process alive, and dead once it is killed', async () => {
    const child = startSleeper();
    const holder = {
      ...currentProcessIdentity(),
      pid: child.pid!,
      startTicks: processStartTicks(child.pid!),
    };
    expect(holderLiveness(holder).state).toBe('alive');
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(isProcessAlive(child.pid!)).toBe(false);
    expect(holderLiveness(holder)).toEqual({ state: 'dead', reason: `process ${child.pid} is not running` });
  });

  it('sees a reused pid as dead: the pid runs, but a process that started at another time', () => {
    const me = currentProcessIdentity();
    expect(me.startTicks).not.toBeNull();
    // A container's loader is always pid 1: the dead one's lock names pid 1 too, started earlier.
    const earlier = { ...me, startTicks: me.startTicks! - 1 };
    expect(holderLiveness(earlier).state).toBe('dead');
    expect(holderLiveness(me).state).toBe('alive');
  });

  it('sees a holder from before a reboot as dead, and one on another host as unknown', () => {
    const me = currentProcessIdentity();
    expect(me.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(holderLiveness({ ...me, bootId: '00000000-0000-0000-0000-000000000000' }).state).toBe('dead');
    expect(holderLiveness({ ...me, host: 'elsewhere.example' })).toEqual({
      state: 'unknown',
      reason: 'it runs on another host (elsewhere.example)',
    });
  });

  it('cannot judge a process in another pid namespace by its pid: unknown, never dead', () => {
    // A real process in a new pid namespace (as in another container): there it is pid 1.
    const run = spawnSync(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        process.execPath,
        '--input-type=module',
        '-e',
        `import { currentProcessIdentity } from ${JSON.stringify(new URL('../dist/process-identity.js', import.meta.url).href)};
         console.log(JSON.stringify(currentProcessIdentity()));`,
      ],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const inside = JSON.parse(run.stdout) as ReturnType<typeof currentProcessIdentity>;
    expect(inside.pid).toBe(1);
    expect(inside.pidNamespace).not.toBe(currentProcessIdentity().pidNamespace);
    // Pid 1 is alive here (init), so a pid-only check would call this holder alive forever.
    expect(holderLiveness(inside).state).toBe('unknown');
  });
});
