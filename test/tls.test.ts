import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { embeddedBinDir, initCluster, startServer, type RunningServer } from '../src/demo/server.js';
import { adminUrl, runCli, urlFor } from './helpers.js';

/**
 * TLS as Hatchet's _SSL_MODE / sslmode mean it, against a server of its own that only accepts TLS, with a
 * certificate from a test CA issued for another host name (wrong.example).
 */
describe('TLS modes', () => {
  let dir: string;
  let server: RunningServer;
  const password = 'tls-test-secret';
  const binDir = process.env.TEST_PG_BIN || embeddedBinDir();
  let caFile: string;
  let url: (mode: string, extra?: string) => string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatchet-sessions-tls-'));
    fs.chmodSync(dir, 0o755);
    const dataDir = path.join(dir, 'data');
    initCluster(binDir, dataDir, 'postgres', password);
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=hatchet-sessions test CA',
    );
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dataDir, 'server.key'),
      '-out',
      'server.csr',
      '-subj',
      '/CN=wrong.example',
    );
    fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=DNS:wrong.example\n');
    ssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      path.join(dataDir, 'server.crt'),
      '-days',
      '2',
      '-extfile',
      'san.ext',
    );
    caFile = path.join(dir, 'ca.crt');
    fs.chmodSync(path.join(dataDir, 'server.key'), 0o600);
    fs.writeFileSync(
      path.join(dataDir, 'pg_hba.conf'),
      'hostnossl all all 0.0.0.0/0 reject\nhostssl all all 127.0.0.1/32 scram-sha-256\n',
    );
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      for (const f of ['server.key', 'server.crt', 'pg_hba.conf']) fs.chownSync(path.join(dataDir, f), uid, gid);
    }
    server = await startServer({
      binDir,
      dataDir,
      superuser: 'postgres',
      password,
      settings: { ssl: 'on', ssl_cert_file: 'server.crt', ssl_key_file: 'server.key' },
    });
    url = (mode, extra = '') =>
      `postgres://postgres:${password}@127.0.0.1:${server.port}/postgres?sslmode=${mode}${extra}`;
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('TLS required by the server but not asked for: exit 3, says to add sslmode=require', async () => {
    const r = await runCli(['status'], { DATABASE_URL: url('disable') });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/requires TLS\. Add sslmode=require/);
  });

  test("require: encrypted, no certificate check (like libpq); Hatchet's _SSL_MODE too", async () => {
    const r = await runCli(['status', '--json'], { DATABASE_URL: url('require') });
    // Connected over TLS: the table is missing in this database, which is the next check (exit 4).
    expect(r.code).toBe(4);
    const hatchet = await runCli(['status'], {
      DATABASE_POSTGRES_HOST: '127.0.0.1',
      DATABASE_POSTGRES_PORT: String(server.port),
      DATABASE_POSTGRES_USERNAME: 'postgres',
      DATABASE_POSTGRES_PASSWORD: password,
      DATABASE_POSTGRES_DB_NAME: 'postgres',
      DATABASE_POSTGRES_SSL_MODE: 'require',
    });
    expect(hatchet.code).toBe(4);
  });

  test('verify-ca: refuses an unknown CA, accepts the right one whatever the host name', async () => {
    const unknown = await runCli(['status'], { DATABASE_URL: url('verify-ca') });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/TLS certificate check failed/);
    const known = await runCli(['status'], { DATABASE_URL: url('verify-ca', `&sslrootcert=${caFile}`) });
    expect(known.code).toBe(4);
    const viaEnv = await runCli(['status'], { DATABASE_URL: url('verify-ca'), PGSSLROOTCERT: caFile });
    expect(viaEnv.code).toBe(4);
  });

  test('verify-full: the right CA but another host name is refused', async () => {
    const r = await runCli(['status'], { DATABASE_URL: url('verify-full', `&sslrootcert=${caFile}`) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/TLS certificate check failed.*(wrong\.example|altnames)/);
    expect(r.stderr).not.toContain(password);
  });

  test('TLS asked for but not offered: exit 3, says the server does not offer TLS', async () => {
    const r = await runCli(['status'], { DATABASE_URL: `${urlFor('postgres')}?sslmode=require` });
    expect(adminUrl()).not.toContain('sslmode');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/does not offer TLS but TLS was asked for/);
  });
});
