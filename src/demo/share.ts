import fs from 'node:fs';
import path from 'node:path';

/**
 * The demo server is shared by every command that uses it at the same time (the console, and a `status --demo`
 * beside it): each live process that uses it has a file named by its pid under <demo>/users/. The last one to leave
 * stops the server; a server found running with no live user left is a leftover and is stopped. Starting, joining
 * and leaving happen under one lock file, so no process stops a server another is joining.
 */

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

const usersDir = (base: string) => path.join(base, 'users');

/** The live processes other than this one that use the demo server (files of dead ones are removed). */
export function otherUsers(base: string): number[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(usersDir(base));
  } catch {
    return [];
  }
  const live: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (alive(pid)) live.push(pid);
    else fs.rmSync(path.join(usersDir(base), name), { force: true });
  }
  return live;
}

export function joinUsers(base: string): void {
  fs.mkdirSync(usersDir(base), { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(usersDir(base), String(process.pid)), '');
}

export function leaveUsers(base: string): void {
  fs.rmSync(path.join(usersDir(base), String(process.pid)), { force: true });
}

/** The server running from dataDir, if any: its postmaster's pid and port (postmaster.pid lines 1 and 4). */
export function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return alive(pid) && port > 0 ? { pid, port } : undefined;
}

/** Stop a server this process did not start (fast shutdown), and wait until it is gone. */
export async function stopServerByPid(pid: number, timeoutMs = 30_000): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Run `fn` holding <demo>.lock (beside the folder, so a reset may remove the folder). A lock left by a dead
 * process is taken over; a live holder (a demo being seeded) is waited for, up to `timeoutMs`.
 */
export async function withDemoLock<T>(base: string, fn: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  const lock = `${base}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true, mode: 0o755 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let text = '';
      try {
        text = fs.readFileSync(lock, 'utf8');
      } catch {
        continue; // released meanwhile
      }
      const holder = Number(text);
      if (text !== '' && !alive(holder)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(
          `the demo database is busy: process ${holder} is starting or stopping it. Try again in a moment.`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
