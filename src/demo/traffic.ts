import pg from 'pg';
import type { ConnectionTarget } from '../config.js';
import { clientConfig } from '../db.js';
import { sql, type TableRef } from '../sql.js';

/**
 * A small live load on the demo database so the figures move: a few anonymous sessions a second, an
 * occasional login and logout. Errors are ignored (the server may be restarting); stop() ends it.
 */
export function startTraffic(
  target: ConnectionTarget,
  table: TableRef,
  visitsPerSecond = 3,
): { stop(): Promise<void> } {
  let stopped = false;
  let client: pg.Client | undefined;
  let tick = 0;
  const run = async () => {
    if (stopped) return;
    try {
      if (!client) {
        client = new pg.Client(
          clientConfig(target, {
            connectTimeoutMs: 5000,
            readOnly: false,
            applicationName: 'hatchet-sessions-demo-traffic',
          }),
        );
        client.on('error', () => (client = undefined));
        await client.connect();
      }
      tick += 1;
      await client.query(sql('demo/traffic_visit', table));
      if (tick % 20 === 0) await client.query(sql('demo/traffic_login', table));
      if (tick % 45 === 0) await client.query(sql('demo/traffic_logout', table));
    } catch {
      const broken = client;
      client = undefined;
      await broken?.end().catch(() => {});
    }
  };
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(run);
  }, 1000 / visitsPerSecond);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await client?.end().catch(() => {});
    },
  };
}
