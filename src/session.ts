import type pg from 'pg';
import { TABLE_NAME, describeTarget, type Config, type ConnectionTarget } from './config.js';
import { checkConnection, createPool } from './db.js';
import { startDemo, type Demo, type DemoStep } from './demo/demo.js';
import { inspect, type Inspection } from './inspect.js';
import type { TableRef } from './sql.js';

/** An open connection to Hatchet's database (or the demo), inspected and ready for the operations. */
export interface Session {
  target: ConnectionTarget;
  table: TableRef;
  pool: pg.Pool;
  inspection: Inspection;
  demo?: Demo;
  /** Safe to print: user@host:port/database. */
  description: string;
  close(): Promise<void>;
}

export type SessionStep = DemoStep | { step: 'connect'; description: string } | { step: 'inspect' };

export async function openSession(config: Config, onStep: (s: SessionStep) => void = () => {}): Promise<Session> {
  const demo = config.target === 'demo' ? await startDemo(config.demo, onStep) : undefined;
  const target = demo ? demo.target : (config.target as ConnectionTarget);
  const table = { schema: config.schema, name: TABLE_NAME };
  const description = describeTarget(target);
  const pool = createPool(target, { connectTimeoutMs: config.connectTimeoutMs, readOnly: config.readOnly });
  const close = async () => {
    await pool.end().catch(() => {});
    await demo?.stop();
  };
  try {
    onStep({ step: 'connect', description });
    await checkConnection(pool, target);
    onStep({ step: 'inspect' });
    const inspection = await inspect(pool, table);
    return { target, table, pool, inspection, demo, description, close };
  } catch (err) {
    await close();
    throw err;
  }
}
